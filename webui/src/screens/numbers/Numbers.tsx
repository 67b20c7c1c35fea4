/** Numbers: the office mode and its force buttons, each number's route and drawn call flow, the schedule editor. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { useConfig } from '../../lib/config';
import { useSave } from '../../lib/useSave';
import type { Target } from '../../lib/types';
import { FormMessage } from '../../components/Field';
import { ModeControl } from './ModeControl';
import { NumberForm } from './NumberForm';
import { ScheduleEditor } from './ScheduleEditor';
import { CallFlow } from './CallFlow';

const routeText = (r: Target) => `${t(`routeType.${r.type as 'department'}`)}${r.target ? ` ${r.target}` : ''}`;

export default function Numbers() {
  const { config, error } = useConfig();
  const [editing, setEditing] = useState<number | null>(null);
  const del = useSave('numbers');
  if (!config) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  if (editing !== null) return <NumberForm key={editing} config={config} index={editing} onDone={() => setEditing(null)} />;
  return (
    <div>
      <ModeControl />
      <div class="row"><button type="button" onClick={() => setEditing(config.numbers.length)}>{t('num.add')}</button></div>
      <FormMessage error={del.error} />
      <table class="list">
        <caption class="sr-only">{t('nav.numbers')}</caption>
        <thead><tr><th scope="col">{t('num.number')}</th><th scope="col">{t('num.line')}</th><th scope="col">{t('num.route')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
        <tbody>
          {config.numbers.map((n, i) => (
            <tr key={n.number} data-number={n.number}>
              <td>{n.number}</td><td>{n.line}</td>
              <td>{n.route ? routeText(n.route) : Object.entries(n.routes ?? {}).map(([m, r]) => `${t(`mode.${m as 'day'}`)}: ${routeText(r!)}`).join('; ')}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(i)}>{t('form.edit')}<span class="sr-only"> {n.number}</span></button>
                <button type="button" class="danger" onClick={() => confirm(t('num.confirmDelete', { number: n.number })) && void del.save((c) => void c.numbers.splice(i, 1))}>{t('form.delete')}<span class="sr-only"> {n.number}</span></button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {config.numbers.map((n) => <CallFlow key={n.number} config={config} number={n} />)}
      <ScheduleEditor config={config} />
    </div>
  );
}
