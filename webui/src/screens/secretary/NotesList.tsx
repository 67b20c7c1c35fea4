/**
 * The call notes the viewer may see (GET /api/notes: an admin every director's, a director
 * their own, an assistant their directors'), new ones first, searchable; mark one done or new
 * again (PUT /api/notes/:id/status), call back with one click (POST /api/notes/:id/call: the
 * director's phone rings, then the number is dialled), and the CSV export.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { dateTime } from '../../lib/time';
import { useLive } from '../../lib/useLive';
import { SelectField, TextField } from '../../components/Field';
import type { CallNote } from './types';

const who = (n: CallNote): string => [n.surname, n.first_name, n.patronymic].filter(Boolean).join(' ') || n.caller_name || n.caller_number;

export function NotesList() {
  const [status, setStatus] = useState<'' | 'new' | 'done'>('new');
  const [q, setQ] = useState('');
  const [message, setMessage] = useState('');
  const query = new URLSearchParams({ ...(status ? { status } : {}), ...(q.trim() ? { q: q.trim() } : {}) }).toString();
  const { data, error, reload } = useLive<{ notes: CallNote[] }>(`/api/notes${query ? `?${query}` : ''}`, (type) => type === 'notes.changed');
  const mark = (n: CallNote, to: 'new' | 'done') => void api('PUT', `/api/notes/${n.id}/status`, { status: to }).then(reload, (e: Error) => setMessage(e.message));
  const callBack = (n: CallNote) => void api<{ ringing: string; number: string }>('POST', `/api/notes/${n.id}/call`).then(
    (r) => setMessage(t('note.calling', { director: r.ringing, number: r.number })), (e: Error) => setMessage(e.message));
  return (
    <section class="card" aria-labelledby="notes-title">
      <h2 id="notes-title">{t('note.list')}</h2>
      <div class="row">
        <SelectField label={t('note.show')} value={status} onChange={(v) => setStatus(v as '' | 'new' | 'done')}
          options={[{ value: 'new', label: t('note.statusNew') }, { value: 'done', label: t('note.statusDone') }, { value: '', label: t('note.statusAll') }]} />
        <TextField label={t('note.search')} type="search" value={q} onInput={setQ} />
        <a class="button" href={`/api/notes.csv${query ? `?${query}` : ''}`} download>{t('note.csv')}</a>
      </div>
      {message && <p role="status">{message}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {data && data.notes.length === 0 && <p class="muted" data-empty="notes">{t('note.none')}</p>}
      {data && data.notes.length > 0 && (
        <table class="list" data-table="notes">
          <caption class="sr-only">{t('note.list')}</caption>
          <thead><tr><th scope="col">{t('note.when')}</th><th scope="col">{t('sec.caller')}</th><th scope="col">{t('note.essence')}</th><th scope="col">{t('note.callBackOn')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
          <tbody>
            {data.notes.map((n) => (
              <tr key={n.id} data-note={n.id} data-status={n.status}>
                <td>{dateTime(n.called_at)}</td>
                <th scope="row">{who(n)}{n.position ? `, ${n.position}` : ''}{n.caller_number && who(n) !== n.caller_number ? ` (${n.caller_number})` : ''}</th>
                <td>{n.essence}{n.deputy ? <div class="muted">{t('note.deputyIs', { deputy: n.deputy })}</div> : null}</td>
                <td>{[n.callback_number, n.callback_when].filter(Boolean).join(' · ')}</td>
                <td class="actions">
                  {(n.callback_number || n.caller_number) && <button type="button" onClick={() => callBack(n)}>{t('note.callBack')}<span class="sr-only"> {who(n)}</span></button>}
                  {n.status === 'new'
                    ? <button type="button" class="secondary" onClick={() => mark(n, 'done')}>{t('note.markDone')}<span class="sr-only"> {who(n)}</span></button>
                    : <button type="button" class="secondary" onClick={() => mark(n, 'new')}>{t('note.markNew')}<span class="sr-only"> {who(n)}</span></button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
