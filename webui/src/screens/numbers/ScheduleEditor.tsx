/** The site's week: working hours and lunch per weekday ("09:00-12:30, 14:00-18:00"), and the holidays. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import type { Config, Schedule } from '../../lib/types';
import { useSave } from '../../lib/useSave';
import { FormMessage, TextField } from '../../components/Field';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const split = (s: string): string[] => s.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);

export function ScheduleEditor({ config }: { config: Config }) {
  const initial = () => {
    const s = config.schedule;
    const rows = Object.fromEntries(DAYS.map((d) => [d, { day: (s?.[d]?.day ?? []).join(', '), lunch: (s?.[d]?.lunch ?? []).join(', ') }]));
    return { rows, holidays: (s?.holidays ?? []).join(', ') };
  };
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState(false);
  const { busy, error, errors, save } = useSave('schedule');
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setSaved(false);
    const schedule: Schedule = { holidays: split(draft.holidays) };
    for (const d of DAYS) {
      const r = draft.rows[d]!;
      if (r.day || r.lunch) schedule[d] = { day: split(r.day), lunch: split(r.lunch) };
    }
    const empty = DAYS.every((d) => !schedule[d]) && !schedule.holidays.length;
    const ok = await save((c) => {
      if (empty) delete c.schedule;
      else c.schedule = schedule;
    });
    setSaved(!!ok);
  };
  const err = (d: string, k: string) => Object.entries(errors).find(([p]) => p.startsWith(`${d}.${k}`))?.[1];
  return (
    <form class="card" onSubmit={submit} aria-labelledby="sched-title">
      <h2 id="sched-title">{t('sched.title')}</h2>
      <p class="muted">{t('sched.help')}</p>
      <table class="list schedule">
        <thead><tr><th scope="col">{t('sched.day')}</th><th scope="col">{t('sched.hours')}</th><th scope="col">{t('sched.lunch')}</th></tr></thead>
        <tbody>
          {DAYS.map((d) => (
            <tr key={d}>
              <th scope="row">{t(`day.${d}` as MessageKey)}</th>
              <td><TextField label={t('sched.hoursOf', { day: t(`day.${d}` as MessageKey) })} value={draft.rows[d]!.day} placeholder="09:00-18:00" error={err(d, 'day')}
                onInput={(v) => setDraft({ ...draft, rows: { ...draft.rows, [d]: { ...draft.rows[d]!, day: v } } })} /></td>
              <td><TextField label={t('sched.lunchOf', { day: t(`day.${d}` as MessageKey) })} value={draft.rows[d]!.lunch} placeholder="12:30-13:30" error={err(d, 'lunch')}
                onInput={(v) => setDraft({ ...draft, rows: { ...draft.rows, [d]: { ...draft.rows[d]!, lunch: v } } })} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <TextField label={t('sched.holidays')} placeholder="2026-12-25, 2027-01-01" value={draft.holidays} error={err('holidays', '') ?? Object.entries(errors).find(([p]) => p.startsWith('holidays'))?.[1]}
        onInput={(v) => setDraft({ ...draft, holidays: v })} />
      <FormMessage error={error || errors['']} ok={saved ? t('form.saved') : undefined} />
      <button type="submit" disabled={busy}>{t('sched.save')}</button>
    </form>
  );
}
