/** A number: the line it arrives on, one route around the clock or one per office mode (working hours, outside them, lunch, holidays). */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { Config, NumberEntry, Target } from '../../lib/types';
import { issuesUnder } from '../../lib/api';
import { useSave } from '../../lib/useSave';
import { CheckField, FormMessage, SelectField, TextField } from '../../components/Field';
import { RouteEditor } from './RouteEditor';

const MODES = ['day', 'night', 'lunch', 'holiday'] as const;

export function NumberForm({ config, index, onDone }: { config: Config; index: number; onDone: () => void }) {
  const existing = config.numbers[index];
  const first: Target = config.departments[0] ? { type: 'department', target: config.departments[0].extension } : { type: 'employee', target: config.employees[0]?.extension ?? '' };
  const [n, setN] = useState<NumberEntry>(() => structuredClone(existing ?? { number: '', line: config.lines[0]?.name ?? '', route: first }));
  const { busy, error, errors, save } = useSave(`numbers[${index}]`);
  const perMode = !!n.routes;
  const sub = (p: string) => issuesUnder(Object.entries(errors).map(([path, message]) => ({ path, message })), p);
  const togglePerMode = (on: boolean) => {
    if (on) setN({ number: n.number, line: n.line, routes: { day: n.route ?? first, night: n.route ?? first } });
    else setN({ number: n.number, line: n.line, route: n.routes?.day ?? first });
  };
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const ok = await save((c) => {
      if (index < c.numbers.length) c.numbers[index] = n;
      else c.numbers.push(n);
    });
    if (ok) onDone();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="num-form-title">
      <h2 id="num-form-title">{existing ? t('num.edit', { number: existing.number }) : t('num.new')}</h2>
      <div class="grid">
        <TextField label={t('num.number')} name="number" inputMode="tel" value={n.number} error={errors.number} onInput={(v) => setN({ ...n, number: v })} />
        <SelectField label={t('num.line')} name="line" value={n.line} error={errors.line} onChange={(v) => setN({ ...n, line: v })} options={config.lines.map((l) => ({ value: l.name, label: l.name }))} />
      </div>
      <CheckField label={t('num.perMode')} name="per_mode" checked={perMode} onChange={togglePerMode} />
      {!perMode && n.route && <RouteEditor config={config} legend={t('num.route')} route={n.route} errors={sub('route')} onChange={(route) => setN({ ...n, route })} />}
      {perMode && MODES.map((m) => {
        const r = n.routes?.[m];
        if (!r && (m === 'lunch' || m === 'holiday')) {
          return <p key={m}><button type="button" class="secondary" onClick={() => setN({ ...n, routes: { ...n.routes!, [m]: { ...n.routes!.night } } })}>{t(`num.add.${m}`)}</button> {t('num.fallsBack')}</p>;
        }
        return r && <RouteEditor key={m} config={config} legend={t(`mode.${m}`)} route={r} errors={sub(`routes.${m}`)} onChange={(route) => setN({ ...n, routes: { ...n.routes!, [m]: route } })} />;
      })}
      <FormMessage error={error} />
      <div class="row">
        <button type="submit" disabled={busy}>{t('form.save')}</button>
        <button type="button" class="secondary" onClick={onDone}>{t('form.cancel')}</button>
      </div>
    </form>
  );
}
