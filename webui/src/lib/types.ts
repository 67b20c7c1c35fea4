/** The configuration as GET /api/config gives it (the fields the page edits; the rest is kept as is). */
export type Device = { type: 'sip'; secret?: string } | { type: 'fxs'; port: number } | { type: 'dect'; ipei: string };

export interface Forwarding {
  all?: string;
  busy?: string;
  no_answer?: string;
  no_answer_s?: number;
}

export interface Employee {
  name: string;
  extension: string;
  role: 'admin' | 'user';
  password?: string;
  password_hash?: string;
  devices: Device[];
  forwarding?: Forwarding;
  voicemail?: boolean | object;
  [k: string]: unknown;
}

export interface Target {
  type: string;
  target?: string;
  greeting?: string;
}

export interface Department {
  name: string;
  extension: string;
  strategy: 'all_at_once' | 'one_by_one' | 'more_and_more';
  ring_timeout_s: number;
  members: string[];
  no_answer?: { type: 'department' | 'employee' | 'number' | 'hangup'; target?: string; message?: string };
  [k: string]: unknown;
}

export interface NumberEntry {
  number: string;
  line: string;
  route?: Target;
  routes?: { day: Target; night: Target; lunch?: Target; holiday?: Target };
}

export interface DaySchedule {
  day: string[];
  lunch: string[];
}

export type Schedule = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', DaySchedule>> & { holidays: string[] };

export interface Menu {
  extension: string;
  name?: string;
  [k: string]: unknown;
}

export interface Config {
  site: { name: string; country: string; timezone: string; [k: string]: unknown };
  employees: Employee[];
  departments: Department[];
  lines: Array<{ name: string; type: 'fxo'; port: number; [k: string]: unknown }>;
  numbers: NumberEntry[];
  schedule?: Schedule;
  menus?: Menu[];
  [k: string]: unknown;
}
