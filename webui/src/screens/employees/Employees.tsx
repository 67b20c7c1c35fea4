/** Employees: the list, create / edit / delete, and the new SIP credentials shown once. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { useConfig } from '../../lib/config';
import { site } from '../../lib/session';
import { useStore } from '../../lib/store';
import { useSave } from '../../lib/useSave';
import type { Config, Device, Employee } from '../../lib/types';
import { FormMessage } from '../../components/Field';
import { EmployeeForm } from './EmployeeForm';
import { SecretDialog, type Credentials } from './SecretDialog';

export const deviceSummary = (d: Device): string => (d.type === 'sip' ? t('dev.sip') : d.type === 'fxs' ? t('dev.port', { port: d.port }) : `DECT ${d.ipei}`);

/** The secrets the exchange generated for SIP devices the draft saved without one. */
function newCredentials(saved: Config, draft: Employee): Credentials[] {
  const e = saved.employees.find((x) => x.extension === draft.extension);
  const s = site.get();
  const server = `${location.hostname}${s?.sip_port ? `:${s.sip_port}` : ''}`;
  return draft.devices.flatMap((d, i) => {
    const now = e?.devices[i];
    return d.type === 'sip' && !d.secret && now?.type === 'sip' && now.secret ? [{ username: draft.extension, secret: now.secret, server }] : [];
  });
}

export default function Employees() {
  const { config, error } = useConfig();
  const s = useStore(site);
  const [editing, setEditing] = useState<number | null>(null);
  const [creds, setCreds] = useState<Credentials[]>([]);
  const del = useSave('employees');
  if (!config) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  if (creds.length) return <SecretDialog creds={creds[0]!} onClose={() => setCreds(creds.slice(1))} />;
  if (editing !== null) {
    return <EmployeeForm key={editing} config={config} index={editing} fxsCount={s?.board.fxs ?? 0}
      onDone={(saved, draft) => {
        setEditing(null);
        if (saved) setCreds(newCredentials(saved, draft));
      }} />;
  }
  const remove = (i: number) => {
    const e = config.employees[i]!;
    if (!confirm(t('emp.confirmDelete', { name: e.name }))) return;
    void del.save((c) => {
      c.employees.splice(i, 1);
      for (const d of c.departments) d.members = d.members.filter((m) => m !== e.extension);
    });
  };
  return (
    <div>
      <div class="row"><button type="button" onClick={() => setEditing(config.employees.length)}>{t('emp.add')}</button></div>
      <FormMessage error={del.error} />
      <table class="list">
        <caption class="sr-only">{t('nav.employees')}</caption>
        <thead><tr><th scope="col">{t('emp.extension')}</th><th scope="col">{t('emp.name')}</th><th scope="col">{t('emp.role')}</th><th scope="col">{t('emp.devices')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
        <tbody>
          {config.employees.map((e, i) => (
            <tr key={e.extension} data-extension={e.extension}>
              <td>{e.extension}</td><td>{e.name}</td><td>{t(`role.${e.role}`)}</td>
              <td>{e.devices.map(deviceSummary).join(', ')}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(i)}>{t('form.edit')}<span class="sr-only"> {e.name}</span></button>
                <button type="button" class="danger" onClick={() => remove(i)}>{t('form.delete')}<span class="sr-only"> {e.name}</span></button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
