/**
 * The secretary console (issue 15): for a secretary, the directors they assist (an admin
 * sees all, a director themself — the API decides, GET /api/executives) with live state
 * and the callers on hold for them, the call note form, the notes, and the etiquette's quick
 * phrases. Kept current by `secretary.*` (the desk's `secretary.desk` too), `notes.changed` and `lamp` events.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { useLive, useTicker } from '../../lib/useLive';
import { DirectorCard } from './DirectorCard';
import { NoteForm, type NoteDraft } from './NoteForm';
import { NotesList } from './NotesList';
import { QuickPhrases } from './QuickPhrases';
import type { DeskCall, ExecutiveView, Lamp } from './types';
import type { DeskStep } from './DeskCalls';

export default function Console() {
  const { data, error, reload } = useLive<{ executives: ExecutiveView[] }>('/api/executives', (type) => type.startsWith('secretary.') || type === 'notes.changed' || type === 'lamp');
  const lamps = useLive<Lamp[]>('/api/lamps', (type) => type === 'lamp');
  const now = useTicker();
  const who = useStore(me);
  const [draft, setDraft] = useState<NoteDraft | null>(null);
  const [message, setMessage] = useState('');
  const [saved, setSaved] = useState('');
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  if (data.executives.length === 0) return <p data-empty="executives">{t('sec.noDirectors')}</p>;
  const byExt = new Map((lamps.data ?? []).map((l) => [l.extension, l]));
  const onSwitch = (director: string, patch: object) => {
    setMessage('');
    api('PUT', `/api/executives/${director}`, patch).then(reload, (e: Error) => setMessage(e.message));
  };
  const onDesk = (c: DeskCall, step: DeskStep) => {
    setMessage('');
    api('POST', `/api/executives/${c.director}/calls/${c.call}/${step}`)
      .then(() => { setSaved(t(step === 'announce' ? 'sec.announcing' : step === 'join' ? 'sec.joined' : 'sec.tookBack', { extension: c.director })); reload(); }, (e: Error) => setMessage(e.message));
  };
  const onName = (c: DeskCall, name: string) => {
    setMessage('');
    api<DeskCall>('PUT', `/api/executives/${c.director}/calls/${c.call}/name`, { name })
      .then((r) => { setSaved(r.caller.name ? t('sec.nameSet', { name: r.caller.name }) : t('sec.nameCleared')); reload(); }, (e: Error) => setMessage(e.message));
  };
  return (
    <div>
      {message && <p class="error" role="alert">{message}</p>}
      {saved && !draft && <p class="form-ok" role="status">{saved}</p>}
      {data.executives.map((x) => (
        <DirectorCard key={x.director} x={x} lamps={byExt} now={now} onSwitch={onSwitch} me={who?.extension ?? ''} onDesk={onDesk} onName={onName} onNote={(director, waiting) => { setSaved(''); setDraft({ director, waiting }); }}
          onMove={(w, move) => {
            setMessage('');
            api<{ ringing?: string; mailbox?: string }>('POST', `/api/executives/${w.director}/waiting/${w.call}/${move.kind}`, move.kind === 'transfer' ? { to: move.to } : undefined)
              .then((r) => setSaved(r.mailbox ? t('sec.toMailbox', { extension: r.mailbox }) : t('sec.moved', { extension: r.ringing ?? '' })), (e: Error) => setMessage(e.message));
          }}
          onTakeBack={(w) => { setMessage(''); api<{ ringing: string }>('POST', `/api/executives/${w.director}/waiting/${w.call}/take-back`).then((r) => setSaved(t('sec.ringing', { extension: r.ringing })), (e: Error) => setMessage(e.message)); }} />
      ))}
      {draft && <NoteForm key={`${draft.director}-${draft.waiting?.call ?? ''}`} draft={draft} executives={data.executives} onCancel={() => setDraft(null)}
        onSaved={() => { setDraft(null); setMessage(''); reload(); setSaved(t('note.saved')); }} />}
      <NotesList />
      <QuickPhrases />
    </div>
  );
}
