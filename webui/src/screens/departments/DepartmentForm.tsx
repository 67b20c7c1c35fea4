/** Create or edit a department: name, extension, members in order, ring strategy, step time, final destination. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import type { Config, Department } from '../../lib/types';
import { useSave } from '../../lib/useSave';
import { FormMessage, NumberField, SelectField, TextField } from '../../components/Field';
import { MembersEditor } from './MembersEditor';

const STRATEGIES = ['all_at_once', 'one_by_one', 'more_and_more'] as const;
const FINAL = ['none', 'department', 'employee', 'number', 'hangup'] as const;

const blank = (): Department => ({ name: '', extension: '', strategy: 'all_at_once', ring_timeout_s: 20, members: [] });

export function DepartmentForm({ config, index, onDone }: { config: Config; index: number; onDone: () => void }) {
  const existing = config.departments[index];
  const [d, setD] = useState<Department>(() => structuredClone(existing ?? blank()));
  const { busy, error, errors, save } = useSave(`departments[${index}]`);
  const set = (patch: Partial<Department>) => setD({ ...d, ...patch });
  const finalType = d.no_answer?.type ?? 'none';
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const out = structuredClone(d);
    if (!out.no_answer) delete out.no_answer;
    const ok = await save((c) => {
      if (index < c.departments.length) c.departments[index] = out;
      else c.departments.push(out);
    });
    if (ok) onDone();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="dep-form-title">
      <h2 id="dep-form-title">{existing ? t('dep.edit', { name: existing.name }) : t('dep.new')}</h2>
      <div class="grid">
        <TextField label={t('dep.name')} name="name" value={d.name} error={errors.name} onInput={(v) => set({ name: v })} />
        <TextField label={t('dep.extension')} name="extension" inputMode="numeric" value={d.extension} error={errors.extension} onInput={(v) => set({ extension: v })} />
        <SelectField label={t('dep.strategy')} name="strategy" value={d.strategy} error={errors.strategy} hint={t(`strategy.${d.strategy}.help` as MessageKey)}
          onChange={(v) => set({ strategy: v as Department['strategy'] })} options={STRATEGIES.map((s) => ({ value: s, label: t(`strategy.${s}` as MessageKey) }))} />
        <NumberField label={t('dep.step')} name="ring_timeout_s" min={5} max={600} value={d.ring_timeout_s} error={errors.ring_timeout_s} onInput={(v) => set({ ring_timeout_s: v ?? 20 })} />
      </div>
      <MembersEditor members={d.members} employees={config.employees} error={errors.members ?? errors['members[0]']} onChange={(members) => set({ members })} />
      <fieldset>
        <legend>{t('dep.final')}</legend>
        <div class="grid">
          <SelectField label={t('dep.finalType')} name="no_answer_type" value={finalType} error={errors['no_answer.type'] ?? errors.no_answer}
            onChange={(v) => set({ no_answer: v === 'none' ? undefined : { type: v as 'department', ...(d.no_answer?.target ? { target: d.no_answer.target } : {}) } })}
            options={FINAL.map((f) => ({ value: f, label: t(`final.${f}` as MessageKey) }))} />
          {finalType !== 'none' && finalType !== 'hangup' && (
            <TextField label={t('dep.finalTarget')} name="no_answer_target" value={d.no_answer?.target ?? ''} error={errors['no_answer.target']}
              onInput={(v) => set({ no_answer: { type: d.no_answer!.type, ...(v ? { target: v } : {}) } })} />
          )}
        </div>
      </fieldset>
      <FormMessage error={error} />
      <div class="row">
        <button type="submit" disabled={busy}>{t('form.save')}</button>
        <button type="button" class="secondary" onClick={onDone}>{t('form.cancel')}</button>
      </div>
    </form>
  );
}
