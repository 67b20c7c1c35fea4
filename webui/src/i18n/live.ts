/**
 * The Live calls screen's messages (the Lines screen shows some of them too).
 * In a file of their own, as dect.ts and doors.ts, so that en.ts, fr.ts and ru.ts stay short:
 * each of those spreads its language's part.
 */
const en = {
  'live.none': 'No call in progress.',
  'live.from': 'From',
  'live.to': 'To',
  'live.state': 'State',
  'live.legs': 'Who, on which line',
  'live.since': 'Since, for',
  'live.held': 'on hold',
  'live.hangup': 'Hang up',
  'callState.routing': 'dialling',
  'callState.ringing': 'ringing',
  'callState.connected': 'talking',
  'callState.ended': 'ended',
};

export type LiveMessages = typeof en;

const fr: LiveMessages = {
  'live.none': 'Aucun appel en cours.',
  'live.from': 'De',
  'live.to': 'Vers',
  'live.state': 'État',
  'live.legs': 'Qui, sur quelle ligne',
  'live.since': 'Depuis, durée',
  'live.held': 'en attente',
  'live.hangup': 'Raccrocher',
  'callState.routing': 'numérotation',
  'callState.ringing': 'sonnerie',
  'callState.connected': 'en conversation',
  'callState.ended': 'terminé',
};

const ru: LiveMessages = {
  'live.none': 'Сейчас нет звонков.',
  'live.from': 'От',
  'live.to': 'Кому',
  'live.state': 'Состояние',
  'live.legs': 'Кто, по какой линии',
  'live.since': 'С, длительность',
  'live.held': 'на удержании',
  'live.hangup': 'Разъединить',
  'callState.routing': 'набор',
  'callState.ringing': 'вызов',
  'callState.connected': 'разговор',
  'callState.ended': 'завершён',
};

export const liveMessages = { en, fr, ru };
