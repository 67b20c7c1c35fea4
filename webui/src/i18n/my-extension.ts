/**
 * The 'My extension' screens' messages: Voicemail, and Forwarding and do-not-disturb.
 * In a file of their own, as dect.ts and doors.ts, so that en.ts, fr.ts and ru.ts stay short:
 * each of those spreads its language's part.
 */
const en = {
  'vm.box': 'Mailbox',
  'vm.mine': 'My own',
  'vm.counts': '{unheard} new, {heard} heard',
  'vm.empty': 'No message.',
  'vm.unknown': 'Unknown caller',
  'vm.new': 'New',
  'vm.play': 'Message from {from}',
  'vm.markNew': 'Mark as new',
  'vm.markHeard': 'Mark as heard',
  'vm.confirmDelete': 'Delete the message from {from}?',
  'me.intro': '{name}, extension {extension}: what you set here is what your phone\'s codes set.',
  'me.callWaiting': 'Call waiting (a second call beeps during a call)',
};

export type MyExtensionMessages = typeof en;

const fr: MyExtensionMessages = {
  'vm.box': 'Boîte vocale',
  'vm.mine': 'La mienne',
  'vm.counts': '{unheard} nouveaux, {heard} écoutés',
  'vm.empty': 'Aucun message.',
  'vm.unknown': 'Appelant inconnu',
  'vm.new': 'Nouveau',
  'vm.play': 'Message de {from}',
  'vm.markNew': 'Marquer comme nouveau',
  'vm.markHeard': 'Marquer comme écouté',
  'vm.confirmDelete': 'Supprimer le message de {from} ?',
  'me.intro': '{name}, poste {extension} : ce que vous réglez ici est ce que règlent les codes de votre téléphone.',
  'me.callWaiting': "Double appel (un bip signale un second appel pendant une communication)",
};

const ru: MyExtensionMessages = {
  'vm.box': 'Ящик',
  'vm.mine': 'Мой',
  'vm.counts': 'Новых: {unheard}, прослушанных: {heard}',
  'vm.empty': 'Сообщений нет.',
  'vm.unknown': 'Неизвестный',
  'vm.new': 'Новое',
  'vm.play': 'Сообщение от {from}',
  'vm.markNew': 'Отметить как новое',
  'vm.markHeard': 'Отметить как прослушанное',
  'vm.confirmDelete': 'Удалить сообщение от {from}?',
  'me.intro': '{name}, номер {extension}: здесь то же, что задают коды вашего телефона.',
  'me.callWaiting': 'Ожидание вызова (второй звонок слышен сигналом во время разговора)',
};

export const myExtensionMessages = { en, fr, ru };
