/** Create or edit one employee: name, extension, role, web password, devices, forwarding, mobile, mailbox. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { Config, Employee } from '../../lib/types';
import { useSave } from '../../lib/useSave';
import { CheckField, FormMessage, NumberField, SelectField, TextField } from '../../components/Field';
import { DevicesEditor } from './DevicesEditor';
import { DndToggle } from './DndToggle';

interface Props {
  config: Config;
  index: number; // config.employees.length for a new one
  fxsCount: number;
  onDone: (saved: Config | null, draft: Employee) => void;
}

const blank = (): Employee => ({ name: '', extension: '', role: 'user', devices: [{ type: 'sip' }] });

export function EmployeeForm({ config, index, fxsCount, onDone }: Props) {
  const existing = config.employees[index];
  const [e, setE] = useState<Employee>(() => structuredClone(existing ?? blank()));
  const [password, setPassword] = useState('');
  const { busy, error, errors, save } = useSave(`employees[${index}]`);
  const set = (patch: Partial<Employee>) => setE({ ...e, ...patch });
  const fw = e.forwarding ?? {};
  const setFw = (k: 'all' | 'busy' | 'no_answer', v: string) => {
    const next = { ...fw, [k]: v || undefined };
    set({ forwarding: next });
  };
  const used = new Set(config.employees.flatMap((x, i) => (i === index ? [] : x.devices.flatMap((d) => (d.type === 'fxs' ? [d.port] : [])))));
  const mine = new Set(e.devices.flatMap((d) => (d.type === 'fxs' ? [d.port] : [])));
  const freeFxs = Array.from({ length: fxsCount }, (_, i) => i + 1).filter((p) => !used.has(p) && !mine.has(p));

  const submit = async (ev: Event) => {
    ev.preventDefault();
    const out: Employee = structuredClone(e);
    if (password) {
      out.password = password;
      delete out.password_hash;
    }
    const fwd = Object.fromEntries(Object.entries(out.forwarding ?? {}).filter(([, v]) => v !== undefined && v !== ''));
    if (Object.keys(fwd).some((k) => k !== 'no_answer_s')) out.forwarding = fwd;
    else delete out.forwarding;
    const saved = await save((c) => {
      if (index < c.employees.length) c.employees[index] = out;
      else c.employees.push(out);
    });
    if (saved) onDone(saved, out);
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="emp-form-title">
      <h2 id="emp-form-title">{existing ? t('emp.edit', { name: existing.name }) : t('emp.new')}</h2>
      <div class="grid">
        <TextField label={t('emp.name')} name="name" value={e.name} error={errors.name} onInput={(v) => set({ name: v })} />
        <TextField label={t('emp.extension')} name="extension" inputMode="numeric" value={e.extension} error={errors.extension} onInput={(v) => set({ extension: v })} />
        <SelectField label={t('emp.role')} name="role" value={e.role} error={errors.role} onChange={(v) => set({ role: v as Employee['role'] })}
          options={[{ value: 'user', label: t('role.user') }, { value: 'admin', label: t('role.admin') }]} />
        <TextField label={existing?.password_hash ? t('emp.passwordChange') : t('emp.password')} name="password" type="password" autocomplete="new-password"
          value={password} error={errors.password} onInput={setPassword} />
      </div>
      <DevicesEditor devices={e.devices} freeFxs={freeFxs} errors={errors} onChange={(devices) => set({ devices })} />
      <fieldset>
        <legend>{t('emp.forwarding')}</legend>
        <div class="grid">
          <TextField label={t('emp.mobile')} name="mobile" inputMode="tel" hint={t('emp.mobileHint')} value={fw.no_answer ?? ''} error={errors['forwarding.no_answer']} onInput={(v) => setFw('no_answer', v)} />
          <NumberField label={t('emp.noAnswerS')} name="no_answer_s" min={3} max={120} value={fw.no_answer_s} error={errors['forwarding.no_answer_s']}
            onInput={(v) => set({ forwarding: { ...fw, no_answer_s: v } })} />
          <TextField label={t('emp.fwdAll')} name="forward_all" value={fw.all ?? ''} error={errors['forwarding.all']} onInput={(v) => setFw('all', v)} />
          <TextField label={t('emp.fwdBusy')} name="forward_busy" value={fw.busy ?? ''} error={errors['forwarding.busy']} onInput={(v) => setFw('busy', v)} />
        </div>
        <CheckField label={t('emp.voicemail')} name="voicemail" checked={!!e.voicemail} onChange={(v) => set({ voicemail: v ? (e.voicemail || true) : undefined })} />
        {existing && <DndToggle extension={existing.extension} />}
      </fieldset>
      {errors[''] && <p class="error" role="alert">{errors['']}</p>}
      <FormMessage error={error} />
      <div class="row">
        <button type="submit" disabled={busy}>{t('form.save')}</button>
        <button type="button" class="secondary" onClick={() => onDone(null, e)}>{t('form.cancel')}</button>
      </div>
    </form>
  );
}
