/** The signed-in employee's own forwarding and do-not-disturb (/api/me/forwarding, /api/me/dnd): live state, as their phone's feature codes set it. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api, type ApiError } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { CheckField, FormMessage, NumberField, TextField } from '../../components/Field';
import { DndToggle } from '../employees/DndToggle';

interface Fwd { all: string | null; busy: string | null; no_answer: string | null; no_answer_s: number; call_waiting: boolean }

export default function MyPhone() {
  const who = useStore(me);
  const [f, setF] = useState<Fwd | null>(null);
  const [error, setError] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [ok, setOk] = useState(false);
  useEffect(() => void api<Fwd>('GET', '/api/me/forwarding').then(setF, (e) => setError(e.message)), []);
  if (!f) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const set = (patch: Partial<Fwd>) => (setOk(false), setF({ ...f, ...patch }));
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError('');
    setErrors({});
    try {
      setF(await api<Fwd>('PUT', '/api/me/forwarding', { all: f.all || null, busy: f.busy || null, no_answer: f.no_answer || null, no_answer_s: f.no_answer_s, call_waiting: f.call_waiting }));
      setOk(true);
    } catch (err) {
      const e = err as ApiError;
      setErrors(Object.fromEntries(e.issues.map((i) => [i.path, i.message])));
      setError(e.message);
    }
  };
  return (
    <div>
      <p>{t('me.intro', { name: who?.name ?? '', extension: who?.extension ?? '' })}</p>
      <section class="card" aria-labelledby="dnd-title">
        <h2 id="dnd-title">{t('emp.dnd')}</h2>
        <DndToggle />
      </section>
      <form class="card" onSubmit={submit} aria-labelledby="fwd-title">
        <h2 id="fwd-title">{t('emp.forwarding')}</h2>
        <div class="grid">
          <TextField label={t('emp.fwdAll')} name="all" value={f.all ?? ''} error={errors.all} onInput={(v) => set({ all: v })} />
          <TextField label={t('emp.fwdBusy')} name="busy" value={f.busy ?? ''} error={errors.busy} onInput={(v) => set({ busy: v })} />
          <TextField label={t('emp.mobile')} name="no_answer" value={f.no_answer ?? ''} error={errors.no_answer} onInput={(v) => set({ no_answer: v })} />
          <NumberField label={t('emp.noAnswerS')} name="no_answer_s" min={3} max={120} value={f.no_answer_s} error={errors.no_answer_s} onInput={(v) => set({ no_answer_s: v ?? 10 })} />
        </div>
        <CheckField label={t('me.callWaiting')} checked={f.call_waiting} onChange={(v) => set({ call_waiting: v })} />
        <FormMessage error={error} ok={ok ? t('form.saved') : undefined} />
        <button type="submit">{t('form.save')}</button>
      </form>
    </div>
  );
}
