/** What GET /api/executives, /api/lamps and /api/notes give the secretary console (src/api/routes/secretary.ts, lamps.ts). */
export interface WaitingCaller {
  call: string;
  director: string;
  assistant: string;
  caller: { number: string; name?: string };
  /** Epoch ms the hold began. */
  since: number;
  reminders: number;
}

/** A call a secretary is on for a director (the desk): `caller.name` is the presented name, typed on the console or the caller's own. */
export interface DeskCall {
  call: string;
  director: string;
  assistant: string;
  caller: { number: string; name?: string };
  state: 'talking' | 'held' | 'announcing' | 'consulting';
  since: number;
}

export interface ExecutiveView {
  director: string;
  name: string;
  assistants: Array<{ extension: string; name: string; availability: string }>;
  deputies: Array<{ name: string; position: string; number: string }>;
  rule_sets: string[];
  filtering: boolean;
  dnd: boolean;
  ruleSet: string;
  availability: string;
  hold_reminder_s: number;
  waiting: WaitingCaller[];
  /** The calls the secretaries are on for this director now (announce, the presented name). */
  calls: DeskCall[];
  new_notes: number;
  /** The director has a mailbox: the console may send a held caller there. */
  mailbox: boolean;
}

export interface Lamp {
  extension: string;
  lamp: 'idle' | 'ringing' | 'busy' | 'dnd' | 'unreachable' | string;
  dnd: boolean;
}

export interface CallNote {
  id: number;
  director: string;
  call_id: string | null;
  called_at: number;
  caller_number: string;
  caller_name: string;
  surname: string;
  first_name: string;
  patronymic: string;
  position: string;
  essence: string;
  callback_number: string;
  callback_when: string;
  deputy: string;
  status: 'new' | 'done';
  written_by: string;
}

/** The telephone form's fields, in the source document's order. */
export const NOTE_FIELDS = ['surname', 'first_name', 'patronymic', 'position', 'essence', 'callback_number', 'callback_when', 'deputy'] as const;
export type NoteField = (typeof NOTE_FIELDS)[number];
