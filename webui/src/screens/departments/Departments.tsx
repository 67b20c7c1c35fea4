/** Departments: the list (members in ring order, strategy), create / edit / delete. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { useConfig } from '../../lib/config';
import { useSave } from '../../lib/useSave';
import { FormMessage } from '../../components/Field';
import { DepartmentForm } from './DepartmentForm';

export default function Departments() {
  const { config, error } = useConfig();
  const [editing, setEditing] = useState<number | null>(null);
  const del = useSave('departments');
  if (!config) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  if (editing !== null) return <DepartmentForm key={editing} config={config} index={editing} onDone={() => setEditing(null)} />;
  const nameOf = (ext: string) => config.employees.find((e) => e.extension === ext)?.name ?? ext;
  const remove = (i: number) => {
    const d = config.departments[i]!;
    if (confirm(t('dep.confirmDelete', { name: d.name }))) void del.save((c) => void c.departments.splice(i, 1));
  };
  return (
    <div>
      <div class="row"><button type="button" onClick={() => setEditing(config.departments.length)}>{t('dep.add')}</button></div>
      <FormMessage error={del.error} />
      <table class="list">
        <caption class="sr-only">{t('nav.departments')}</caption>
        <thead><tr><th scope="col">{t('dep.extension')}</th><th scope="col">{t('dep.name')}</th><th scope="col">{t('dep.strategy')}</th><th scope="col">{t('dep.members')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
        <tbody>
          {config.departments.map((d, i) => (
            <tr key={d.extension} data-extension={d.extension}>
              <td>{d.extension}</td><td>{d.name}</td>
              <td>{t(`strategy.${d.strategy}` as MessageKey)}, {t('dep.stepShort', { s: d.ring_timeout_s })}</td>
              <td>{d.members.map(nameOf).join(' → ')}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(i)}>{t('form.edit')}<span class="sr-only"> {d.name}</span></button>
                <button type="button" class="danger" onClick={() => remove(i)}>{t('form.delete')}<span class="sr-only"> {d.name}</span></button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
