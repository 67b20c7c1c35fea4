/**
 * One director on the secretary console: their live state (free, ringing, on a call, DND, in
 * a meeting — the busy lamp and the secretary's DND switch), the switches (filtering, meeting,
 * the active rule set; PUT /api/executives/:director), the deputies with their lamps, and the
 * callers on hold for them with their waiting time and the next 40-second reminder counting
 * down, each with "take back" (the secretary's phone rings now with the caller), "put
 * through" (the director rings with the caller), "transfer to" each deputy, "voicemail" (the
 * director's mailbox, when they have one), "transfer to" any number typed, and a button to write a note prefilled from the call.
 * Above them, the calls the secretaries are on for the director (DeskCalls.tsx): the
 * caller's presented name typed, announce, join, take the call back.
 */
import { t, type MessageKey } from '../../i18n';
import { CheckField, SelectField } from '../../components/Field';
import { duration } from '../../lib/time';
import { TransferTo } from './TransferTo';
import { DeskCalls, type DeskStep } from './DeskCalls';
import type { DeskCall, ExecutiveView, Lamp, WaitingCaller } from './types';

/** The state a console shows for an extension: the lamp, "in a meeting" over it when the secretary switched DND on. */
export function stateOf(lamp: Lamp | undefined, availability: string, meeting = false): string {
  if (meeting) return 'meeting';
  if (lamp?.lamp === 'ringing') return 'ringing';
  if (lamp?.lamp === 'busy' || availability === 'busy') return 'busy';
  if (lamp?.dnd || availability === 'dnd') return 'dnd';
  if (lamp?.lamp === 'unreachable' || availability === 'unreachable') return 'unreachable';
  return 'free';
}

export function StateBadge({ state }: { state: string }) {
  const tone = state === 'free' ? ' stream-live' : state === 'unreachable' ? '' : ' stream-closed';
  return <span class={`badge${tone}`} data-presence={state}>{t(`presence.${state}` as MessageKey)}</span>;
}

/** Seconds to the next hold reminder, every `everyS` since the hold began. */
export function nextReminderS(w: WaitingCaller, everyS: number, now: number): number {
  const held = Math.max(0, (now - w.since) / 1000);
  return Math.ceil(everyS - (held % everyS));
}

interface Props {
  x: ExecutiveView;
  lamps: Map<string, Lamp>;
  now: number;
  onSwitch: (director: string, patch: { filtering?: boolean; dnd?: boolean; rule_set?: string }) => void;
  onNote: (director: string, w?: Pick<WaitingCaller, 'call' | 'director' | 'caller'>) => void;
  /** The signed-in extension: the announce steps are for the secretary on the call. */
  me: string;
  /** The calls on the desk: announce, join, take back; the presented name. */
  onDesk: (c: DeskCall, step: DeskStep) => void;
  onName: (c: DeskCall, name: string) => void;
  onTakeBack: (w: WaitingCaller) => void;
  /** Move the held caller: to the director, to a number (a deputy), or to the director's mailbox. */
  onMove: (w: WaitingCaller, move: HeldMove) => void;
}

export type HeldMove = { kind: 'put-through' } | { kind: 'transfer'; to: string } | { kind: 'voicemail' };

export function DirectorCard({ x, lamps, now, onSwitch, onNote, onTakeBack, onMove, me, onDesk, onName }: Props) {
  const state = stateOf(lamps.get(x.director), x.availability, x.dnd);
  return (
    <section class="card" aria-labelledby={`dir-${x.director}`} data-director={x.director}>
      <h2 id={`dir-${x.director}`}>{x.name} ({x.director}) <StateBadge state={state} /></h2>
      <div class="row">
        <CheckField label={t('sec.filtering')} checked={x.filtering} onChange={(v) => onSwitch(x.director, { filtering: v })} />
        <CheckField label={t('sec.meeting')} checked={x.dnd} onChange={(v) => onSwitch(x.director, { dnd: v })} />
        {x.rule_sets.length > 1 && (
          <SelectField label={t('sec.ruleSet')} value={x.ruleSet} options={x.rule_sets.map((r) => ({ value: r, label: r }))} onChange={(v) => onSwitch(x.director, { rule_set: v })} />
        )}
      </div>
      <p class="muted">{t('sec.newNotes', { count: x.new_notes })}</p>
      {x.calls.length > 0 && <h3>{t('sec.onLine')}</h3>}
      <DeskCalls calls={x.calls} me={me} now={now} onStep={onDesk} onName={onName} onNote={(c) => onNote(x.director, c)} />
      <h3>{t('sec.waiting')}</h3>
      {x.waiting.length === 0 ? <p class="muted" data-empty={`waiting-${x.director}`}>{t('sec.nobodyWaiting')}</p> : (
        <table class="list" data-table={`waiting-${x.director}`}>
          <caption class="sr-only">{t('sec.waiting')}</caption>
          <thead><tr><th scope="col">{t('sec.caller')}</th><th scope="col">{t('sec.waitingFor')}</th><th scope="col">{t('sec.reminder')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
          <tbody>
            {x.waiting.map((w) => (
              <tr key={w.call} data-waiting={w.call}>
                <th scope="row">{[w.caller.name, w.caller.number].filter(Boolean).join(' ') || t('sec.unknownCaller')}</th>
                <td data-wait>{duration((now - w.since) / 1000)}</td>
                <td>{t('sec.reminderIn', { s: nextReminderS(w, x.hold_reminder_s, now), every: x.hold_reminder_s })}{w.reminders ? ` · ${t('sec.reminders', { count: w.reminders })}` : ''}</td>
                <td class="actions">
                  <button type="button" onClick={() => onTakeBack(w)}>{t('sec.takeBack')}<span class="sr-only"> {w.caller.number}</span></button>
                  <button type="button" onClick={() => onMove(w, { kind: 'put-through' })}>{t('sec.putThrough')}<span class="sr-only"> {w.caller.number}</span></button>
                  {x.deputies.map((d) => (
                    <button key={d.number} type="button" onClick={() => onMove(w, { kind: 'transfer', to: d.number })}>{t('sec.transferTo', { name: d.name })}<span class="sr-only"> {w.caller.number}</span></button>
                  ))}
                  {x.mailbox && <button type="button" onClick={() => onMove(w, { kind: 'voicemail' })}>{t('sec.toVoicemail')}<span class="sr-only"> {w.caller.number}</span></button>}
                  <button type="button" class="secondary" onClick={() => onNote(x.director, w)}>{t('sec.noteFor')}<span class="sr-only"> {w.caller.number}</span></button>
                  <TransferTo w={w} onTransfer={(to) => onMove(w, { kind: 'transfer', to })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {x.deputies.length > 0 && (
        <>
          <h3>{t('sec.deputies')}</h3>
          <ul class="messages">
            {x.deputies.map((d) => (
              <li key={d.number} data-deputy={d.number}>{d.name}, {d.position} — {d.number} {lamps.has(d.number) && <StateBadge state={stateOf(lamps.get(d.number), '')} />}</li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={() => onNote(x.director)}>{t('sec.newNote')}<span class="sr-only"> {x.name}</span></button>
    </section>
  );
}
