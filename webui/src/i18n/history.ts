/**
 * The Call history screen's messages, with the calls' dispositions.
 * In a file of their own, as dect.ts and doors.ts, so that en.ts, fr.ts and ru.ts stay short:
 * each of those spreads its language's part.
 */
const en = {
  'hist.filters': 'Filters',
  'hist.from': 'From',
  'hist.to': 'Until',
  'hist.extension': 'Extension',
  'hist.number': 'Number',
  'hist.disposition': 'Outcome',
  'hist.any': 'Any',
  'hist.apply': 'Show',
  'hist.csv': 'Download as CSV',
  'hist.count': '{total} calls',
  'hist.when': 'When',
  'hist.caller': 'Caller',
  'hist.dialled': 'Dialled',
  'hist.answeredBy': 'Answered by',
  'hist.talk': 'Talk time',
  'hist.newer': 'Newer',
  'hist.older': 'Older',
  'disp.answered': 'answered',
  'disp.busy': 'busy',
  'disp.no-answer': 'no answer',
  'disp.cancelled': 'cancelled',
  'disp.barred': 'barred',
  'disp.failed': 'failed',
  'disp.transferred': 'transferred',
};

export type HistoryMessages = typeof en;

const fr: HistoryMessages = {
  'hist.filters': 'Filtres',
  'hist.from': 'Du',
  'hist.to': 'Au',
  'hist.extension': 'Poste',
  'hist.number': 'Numéro',
  'hist.disposition': 'Issue',
  'hist.any': 'Toutes',
  'hist.apply': 'Afficher',
  'hist.csv': 'Télécharger en CSV',
  'hist.count': '{total} appels',
  'hist.when': 'Quand',
  'hist.caller': 'Appelant',
  'hist.dialled': 'Composé',
  'hist.answeredBy': 'Répondu par',
  'hist.talk': 'Durée de conversation',
  'hist.newer': 'Plus récents',
  'hist.older': 'Plus anciens',
  'disp.answered': 'répondu',
  'disp.busy': 'occupé',
  'disp.no-answer': 'sans réponse',
  'disp.cancelled': 'annulé',
  'disp.barred': 'interdit',
  'disp.failed': 'échoué',
  'disp.transferred': 'transféré',
};

const ru: HistoryMessages = {
  'hist.filters': 'Фильтры',
  'hist.from': 'С',
  'hist.to': 'По',
  'hist.extension': 'Внутренний номер',
  'hist.number': 'Номер',
  'hist.disposition': 'Итог',
  'hist.any': 'Любой',
  'hist.apply': 'Показать',
  'hist.csv': 'Скачать CSV',
  'hist.count': 'Звонков: {total}',
  'hist.when': 'Когда',
  'hist.caller': 'Звонящий',
  'hist.dialled': 'Набрано',
  'hist.answeredBy': 'Ответил',
  'hist.talk': 'Разговор',
  'hist.newer': 'Новее',
  'hist.older': 'Старше',
  'disp.answered': 'отвечен',
  'disp.busy': 'занято',
  'disp.no-answer': 'нет ответа',
  'disp.cancelled': 'отменён',
  'disp.barred': 'запрещён',
  'disp.failed': 'ошибка',
  'disp.transferred': 'переведён',
};

export const historyMessages = { en, fr, ru };
