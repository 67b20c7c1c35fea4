/**
 * The calls a secretary is on for a director ("On the line"), from `calls` in GET
 * /api/executives, kept live by `secretary.desk` events: the caller with their presented
 * name, the call's state, and the steps of "Juste une minute, je vais me connecter" —
 *
 * - "Present as": the name the caller gave ("Comment dois-je vous présenter ?"), typed
 *   here; the director's phone shows it when it rings (PUT …/calls/:call/name);
 * - "Announce": the caller holds with music and the director rings on the secretary's phone;
 * - once the director answered: "Join" (the secretary drops out, the caller talks with the
 *   director) or "Take the call back" (the director's leg ends); while it rings, "Take the
 *   call back" stops the ringing.
 *
 * The steps are for the secretary whose phone is on the call: the others see the state only.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { TextField } from '../../components/Field';
import { duration } from '../../lib/time';
import type { DeskCall } from './types';

export type DeskStep = 'announce' | 'join' | 'take-back';

interface Props {
  calls: DeskCall[];
  me: string;
  now: number;
  onStep: (c: DeskCall, step: DeskStep) => void;
  onName: (c: DeskCall, name: string) => void;
  onNote: (c: DeskCall) => void;
}

function PresentAs({ c, onName }: { c: DeskCall; onName: (name: string) => void }) {
  const [name, setName] = useState(c.caller.name ?? '');
  return (
    <form class="row" data-form={`name-${c.call}`} onSubmit={(e) => { e.preventDefault(); onName(name.trim()); }}>
      <TextField label={t('sec.presentAs', { number: c.caller.number })} value={name} onInput={setName} autocomplete="off" name="presented" />
      <button type="submit" class="secondary">{t('sec.setName')}<span class="sr-only"> {c.caller.number}</span></button>
    </form>
  );
}

export function DeskCalls({ calls, me, now, onStep, onName, onNote }: Props) {
  if (calls.length === 0) return null;
  return (
    <table class="list" data-table="desk">
      <caption class="sr-only">{t('sec.onLine')}</caption>
      <thead><tr><th scope="col">{t('sec.caller')}</th><th scope="col">{t('sec.deskState')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
      <tbody>
        {calls.map((c) => {
          const mine = c.assistant === me;
          const who = <span class="sr-only"> {c.caller.number}</span>;
          return (
            <tr key={c.call} data-desk={c.call} data-state={c.state}>
              <th scope="row" data-presented>{[c.caller.name, c.caller.number].filter(Boolean).join(' ')}</th>
              <td><span class="badge" data-desk-state={c.state}>{t(`sec.desk.${c.state}` as MessageKey)}</span> {duration((now - c.since) / 1000)}{!mine && ` · ${c.assistant}`}</td>
              <td class="actions">
                {mine && c.state === 'talking' && <button type="button" onClick={() => onStep(c, 'announce')}>{t('sec.announce')}{who}</button>}
                {mine && c.state === 'consulting' && <button type="button" onClick={() => onStep(c, 'join')}>{t('sec.join')}{who}</button>}
                {mine && (c.state === 'consulting' || c.state === 'announcing') && <button type="button" onClick={() => onStep(c, 'take-back')}>{t('sec.takeCallBack')}{who}</button>}
                <button type="button" class="secondary" onClick={() => onNote(c)}>{t('sec.noteFor')}{who}</button>
                <PresentAs key={c.caller.name ?? ''} c={c} onName={(name) => onName(c, name)} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
