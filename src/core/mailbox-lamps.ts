/**
 * Which mailboxes a phone's message-waiting lamp shows, and whose lamps a box lights. A
 * phone's lamp shows its owner's own box and every department box its owner may listen to
 * (the department's members and the box's `listeners`), summed — as an Asterisk phone with
 * `mailbox=201,600` or a Panasonic group mailbox's notification to its members: a message
 * left for Sales lights the lamp of everyone who answers for Sales, and goes out when one
 * of them has heard it. A phone may also watch a department box alone (a SUBSCRIBE to the
 * box's extension, RFC 3842: a lamp key for "Sales voicemail"), if it may listen to it.
 */
import type { Config } from '../config/schema.js';
import { findMailbox, mailboxes } from '../config/mailboxes.js';

/** The department boxes `extension` listens to (member or listener), in configuration order. */
export function departmentBoxesOf(c: Readonly<Config>, extension: string): string[] {
  return mailboxes(c).filter((m) => m.owner === 'department' && m.listeners.includes(extension)).map((m) => m.box);
}

/** The extensions whose lamp shows `box`: the box itself (its employee, or a subscription to it), and a department box's listeners. */
export function lampsOfBox(c: Readonly<Config>, box: string): string[] {
  const m = findMailbox(c, box);
  return m?.owner === 'department' ? [m.box, ...m.listeners.filter((l) => l !== m.box)] : [box];
}

/** Whether `subscriber` may watch the message summary of `resource`: their own, or a department box they listen to. */
export function mayWatchBox(c: Readonly<Config>, subscriber: string, resource: string): boolean {
  if (subscriber === resource) return true;
  const m = findMailbox(c, resource);
  return m?.owner === 'department' && m.box === resource && m.listeners.includes(subscriber);
}

export interface LampCounts {
  unheard: number;
  heard: number;
}

/** The sum of `boxes`' counts. */
export function summed(boxes: readonly string[], count: (box: string) => { unheard: number; total: number }): LampCounts {
  let unheard = 0;
  let total = 0;
  for (const b of boxes) {
    const c = count(b);
    unheard += c.unheard;
    total += c.total;
  }
  return { unheard, heard: total - unheard };
}
