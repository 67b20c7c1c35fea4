/**
 * The source document's telephone form as a call note (POST /api/notes): date and time come
 * from the call (or now), the caller's number and name are prefilled by the exchange from
 * the call held for the director; surname, first name, patronymic, position, the essence of
 * the message, the number to call back and when, the deputy the call may go to. A refused
 * field shows the API's message beside it and nothing typed is lost.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { FormMessage, SelectField, TextField } from '../../components/Field';
import { NOTE_FIELDS, type CallNote, type ExecutiveView, type NoteField, type WaitingCaller } from './types';

export interface NoteDraft { director: string; waiting?: Pick<WaitingCaller, 'call' | 'director' | 'caller'> | undefined }

/** The API's "field: message; field: message" as messages by field (the rest under ''). */
export function fieldErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.replace(/^bad request: /, '').split('; ')) {
    const m = /^([a-z_]+): (.*)$/.exec(part);
    if (m && (NOTE_FIELDS as readonly string[]).includes(m[1]!)) out[m[1]!] ??= m[2]!;
    else out[''] = out[''] ? `${out['']}; ${part}` : part;
  }
  return out;
}

const empty = (): Record<NoteField, string> => Object.fromEntries(NOTE_FIELDS.map((f) => [f, ''])) as Record<NoteField, string>;

export function NoteForm({ draft, executives, onSaved, onCancel }: { draft: NoteDraft; executives: ExecutiveView[]; onSaved: (n: CallNote) => void; onCancel: () => void }) {
  const [director, setDirector] = useState(draft.director);
  const [fields, setFields] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const x = executives.find((e) => e.director === director);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const body = { director, ...(draft.waiting && draft.waiting.director === director ? { call_id: draft.waiting.call } : {}), ...Object.fromEntries(NOTE_FIELDS.filter((f) => fields[f].trim()).map((f) => [f, fields[f]])) };
      const note = await api<CallNote>('POST', '/api/notes', body);
      setFields(empty());
      onSaved(note);
    } catch (err) {
      setErrors(fieldErrors((err as Error).message));
    } finally {
      setBusy(false);
    }
  };
  const field = (f: NoteField, type = 'text') => (
    <TextField key={f} name={f} label={t(`note.${f}` as MessageKey)} type={type} value={fields[f]} error={errors[f]} onInput={(v) => setFields((o) => ({ ...o, [f]: v }))} />
  );
  return (
    <form class="card" onSubmit={submit} aria-labelledby="note-title" data-form="note">
      <h2 id="note-title">{t('note.title')}</h2>
      {draft.waiting && <p data-prefilled>{t('note.fromCall', { caller: [draft.waiting.caller.name, draft.waiting.caller.number].filter(Boolean).join(' ') })}</p>}
      {executives.length > 1 && <SelectField label={t('note.director')} value={director} options={executives.map((e) => ({ value: e.director, label: `${e.name} (${e.director})` }))} onChange={setDirector} />}
      <div class="grid">
        {field('surname')}{field('first_name')}{field('patronymic')}{field('position')}
      </div>
      <div class="field">
        <label for="note-essence">{t('note.essence')}</label>
        <textarea id="note-essence" name="essence" rows={3} value={fields.essence} aria-invalid={errors.essence ? 'true' : undefined} aria-describedby={errors.essence ? 'note-essence-err' : undefined}
          onInput={(e) => { const v = (e.currentTarget as HTMLTextAreaElement).value; setFields((o) => ({ ...o, essence: v })); }} />
        {errors.essence && <small id="note-essence-err" class="error" role="alert">{errors.essence}</small>}
      </div>
      <div class="grid">
        {field('callback_number', 'tel')}{field('callback_when')}
      </div>
      {x && x.deputies.length > 0
        ? <SelectField label={t('note.deputy')} value={fields.deputy} options={[{ value: '', label: t('note.noDeputy') }, ...x.deputies.map((d) => ({ value: `${d.name} (${d.position}, ${d.number})`, label: `${d.name}, ${d.position} — ${d.number}` }))]} onChange={(v) => setFields((o) => ({ ...o, deputy: v }))} error={errors.deputy} />
        : field('deputy')}
      <FormMessage error={errors['']} />
      <div class="row">
        <button type="submit" disabled={busy}>{t('note.save')}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t('form.cancel')}</button>
      </div>
    </form>
  );
}
