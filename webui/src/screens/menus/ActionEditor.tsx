/** What a key of a voice menu (or its default) does: a destination type and, where it needs one, the extension or number. */
import { t, type MessageKey } from '../../i18n';
import type { Config } from '../../lib/types';
import { SelectField, TextField } from '../../components/Field';
import { targetOptions } from '../numbers/RouteEditor';

export interface MenuAction { type: string; target?: string; message?: string }
const TYPES = ['department', 'employee', 'menu', 'number', 'voicemail', 'repeat', 'back', 'hangup', 'disa'] as const;
const NEEDS_TARGET = new Set(['department', 'employee', 'menu', 'number', 'voicemail']);

export function ActionEditor({ config, label, action, errors, onChange }: { config: Config; label: string; action: MenuAction | undefined; errors: Record<string, string>; onChange: (a: MenuAction | undefined) => void }) {
  const options = action ? targetOptions(config, action.type) : null;
  return (
    <div class="row action" data-action={label}>
      <SelectField label={label} value={action?.type ?? ''} error={errors.type ?? errors['']}
        options={[{ value: '', label: t('menu.nothing') }, ...TYPES.map((x) => ({ value: x, label: t(`menuAction.${x}` as MessageKey) }))]}
        onChange={(v) => {
          if (!v) return onChange(undefined);
          const first = targetOptions(config, v)?.[0]?.value;
          onChange(NEEDS_TARGET.has(v) ? { type: v, ...(first ? { target: first } : {}) } : { type: v });
        }} />
      {action && NEEDS_TARGET.has(action.type) && (options
        ? <SelectField label={t('menu.targetOf', { what: label })} value={action.target ?? ''} error={errors.target} options={options} onChange={(v) => onChange({ ...action, target: v })} />
        : <TextField label={t('menu.targetOf', { what: label })} value={action.target ?? ''} error={errors.target} onInput={(v) => onChange({ ...action, target: v })} />)}
    </div>
  );
}
