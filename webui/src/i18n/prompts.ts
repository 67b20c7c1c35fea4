/**
 * The Prompts screen's messages.
 * In a file of their own, as dect.ts and doors.ts, so that en.ts, fr.ts and ru.ts stay short:
 * each of those spreads its language's part.
 */
const en = {
  'prompt.upload': 'Upload a prompt',
  'prompt.help': 'A WAV in telephone quality: 8 kHz, mono, 16-bit PCM or A-law/µ-law. It plays instead of the bundled one from the next call on.',
  'prompt.name': 'Prompt',
  'prompt.nameHint': 'A bundled name (welcome…) replaces it; a new name (promo-noel) is a greeting of your own.',
  'prompt.language': 'Prompt language',
  'prompt.file': 'WAV file',
  'prompt.send': 'Upload',
  'prompt.uploaded': '{id} ({lang}) uploaded: {seconds} s.',
  'prompt.removed': '{id} ({lang}): the bundled prompt plays again.',
  'prompt.list': 'Prompts',
  'prompt.own': 'the site\'s own',
  'prompt.replaced': 'replaced',
  'prompt.bundled': 'bundled',
  'prompt.play': 'Listen',
  'prompt.player': 'Prompt player',
  'prompt.replace': 'Replace',
  'prompt.restore': 'Back to bundled',
};

export type PromptMessages = typeof en;

const fr: PromptMessages = {
  'prompt.upload': 'Envoyer un message',
  'prompt.help': 'Un WAV en qualité téléphone : 8 kHz, mono, PCM 16 bits ou loi A/µ. Il remplace le message fourni dès l\'appel suivant.',
  'prompt.name': 'Message',
  'prompt.nameHint': 'Un nom fourni (welcome…) le remplace ; un nouveau nom (promo-noel) est un message à vous.',
  'prompt.language': 'Langue du message',
  'prompt.file': 'Fichier WAV',
  'prompt.send': 'Envoyer',
  'prompt.uploaded': '{id} ({lang}) envoyé : {seconds} s.',
  'prompt.removed': '{id} ({lang}) : le message fourni est rétabli.',
  'prompt.list': 'Messages',
  'prompt.own': 'propre au site',
  'prompt.replaced': 'remplacé',
  'prompt.bundled': 'fourni',
  'prompt.play': 'Écouter',
  'prompt.player': 'Lecteur de message',
  'prompt.replace': 'Remplacer',
  'prompt.restore': 'Rétablir le message fourni',
};

const ru: PromptMessages = {
  'prompt.upload': 'Загрузить сообщение',
  'prompt.help': 'WAV телефонного качества: 8 кГц, моно, 16 бит PCM или A-law/µ-law. Звучит вместо встроенного со следующего звонка.',
  'prompt.name': 'Сообщение',
  'prompt.nameHint': 'Встроенное имя (welcome…) заменяет его; новое имя (promo-noel) — ваше собственное.',
  'prompt.language': 'Язык сообщения',
  'prompt.file': 'Файл WAV',
  'prompt.send': 'Загрузить',
  'prompt.uploaded': '{id} ({lang}) загружено: {seconds} с.',
  'prompt.removed': '{id} ({lang}): снова звучит встроенное.',
  'prompt.list': 'Сообщения',
  'prompt.own': 'собственное',
  'prompt.replaced': 'заменено',
  'prompt.bundled': 'встроенное',
  'prompt.play': 'Прослушать',
  'prompt.player': 'Проигрыватель',
  'prompt.replace': 'Заменить',
  'prompt.restore': 'Вернуть встроенное',
};

export const promptMessages = { en, fr, ru };
