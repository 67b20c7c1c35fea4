/** One route: where a call goes (type, then the department, employee, menu or number), with an optional greeting first. */
import { t, type MessageKey } from '../../i18n';
import type { Config, Target } from '../../lib/types';
import { SelectField, TextField, type Option } from '../../components/Field';

export const ROUTE_TYPES = ['department', 'employee', 'receptionist', 'menu', 'voicemail', 'number', 'greeting', 'secretary'] as const;

export function targetOptions(config: Config, type: string): Option[] | null {
  if (type === 'department') return config.departments.map((d) => ({ value: d.extension, label: `${d.name} (${d.extension})` }));
  if (type === 'secretary') {
    // The directors of `executives` only: the import refuses anyone else.
    const directors = new Set(((config as { executives?: Array<{ extension: string }> }).executives ?? []).map((x) => x.extension));
    return config.employees.filter((e) => directors.has(e.extension)).map((e) => ({ value: e.extension, label: `${e.name} (${e.extension})` }));
  }
  if (type === 'employee' || type === 'receptionist' || type === 'voicemail') return config.employees.map((e) => ({ value: e.extension, label: `${e.name} (${e.extension})` }));
  if (type === 'menu') return (config.menus ?? []).map((m) => ({ value: m.extension, label: `${m.name ?? m.extension} (${m.extension})` }));
  return null; // a number or a greeting: typed
}

export function RouteEditor({ config, legend, route, errors, onChange }: { config: Config; legend: string; route: Target; errors: Record<string, string>; onChange: (r: Target) => void }) {
  const options = targetOptions(config, route.type);
  const set = (patch: Partial<Target>) => {
    const next: Target = { ...route, ...patch };
    for (const k of ['target', 'greeting'] as const) if (!next[k]) delete next[k];
    onChange(next);
  };
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="grid">
        <SelectField label={t('route.type')} value={route.type} error={errors.type}
          onChange={(v) => {
            const opts = targetOptions(config, v);
            set({ type: v, target: v === 'greeting' ? undefined : opts ? opts[0]?.value : route.target });
          }}
          options={ROUTE_TYPES.map((r) => ({ value: r, label: t(`routeType.${r}` as MessageKey) }))} />
        {route.type !== 'greeting' && (options
          ? <SelectField label={t('route.target')} value={route.target ?? ''} error={errors.target} onChange={(v) => set({ target: v })} options={[{ value: '', label: t('form.none') }, ...options]} />
          : <TextField label={t('route.number')} inputMode="tel" value={route.target ?? ''} error={errors.target} onInput={(v) => set({ target: v })} />)}
        <TextField label={t('route.greeting')} hint={t('route.greetingHint')} value={route.greeting ?? ''} error={errors.greeting} onInput={(v) => set({ greeting: v })} />
      </div>
    </fieldset>
  );
}
