/** A voice menu: extension, name, greeting, timeouts and retries, what each key does, and where the caller goes after the retries. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { Config, Menu } from '../../lib/types';
import { issuesUnder } from '../../lib/api';
import { useSave } from '../../lib/useSave';
import { CheckField, FormMessage, NumberField, TextField } from '../../components/Field';
import { ActionEditor, type MenuAction } from './ActionEditor';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;
type Draft = Menu & { greeting: string; choices: Record<string, MenuAction>; default?: MenuAction; timeout_s?: number; retries?: number; direct_dial?: boolean };

export function MenuForm({ config, index, onDone }: { config: Config; index: number; onDone: () => void }) {
  const menus = config.menus ?? [];
  const existing = menus[index] as Draft | undefined;
  const [m, setM] = useState<Draft>(() => structuredClone(existing ?? { extension: '', greeting: 'welcome', choices: {} }));
  const { busy, error, errors, save } = useSave(`menus[${index}]`);
  const set = (patch: Partial<Draft>) => setM({ ...m, ...patch });
  const sub = (p: string) => issuesUnder(Object.entries(errors).map(([path, message]) => ({ path, message })), p);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const ok = await save((c) => {
      c.menus ??= [];
      if (index < c.menus.length) c.menus[index] = m;
      else c.menus.push(m);
    });
    if (ok) onDone();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="menu-form-title">
      <h2 id="menu-form-title">{existing ? t('menu.edit', { name: existing.name ?? existing.extension }) : t('menu.new')}</h2>
      <div class="grid">
        <TextField label={t('menu.extension')} name="extension" inputMode="numeric" value={m.extension} error={errors.extension} onInput={(v) => set({ extension: v })} />
        <TextField label={t('menu.name')} name="name" value={m.name ?? ''} error={errors.name} onInput={(v) => set({ name: v || undefined })} />
        <TextField label={t('menu.greeting')} name="greeting" hint={t('route.greetingHint')} value={m.greeting} error={errors.greeting} onInput={(v) => set({ greeting: v })} />
        <NumberField label={t('menu.timeout')} name="timeout_s" min={1} max={60} value={m.timeout_s} error={errors.timeout_s} onInput={(v) => set({ timeout_s: v })} />
        <NumberField label={t('menu.retries')} name="retries" min={0} max={9} value={m.retries} error={errors.retries} onInput={(v) => set({ retries: v })} />
      </div>
      <CheckField label={t('menu.directDial')} checked={m.direct_dial ?? true} onChange={(v) => set({ direct_dial: v })} />
      <fieldset>
        <legend>{t('menu.keys')}</legend>
        {KEYS.map((k) => (
          <ActionEditor key={k} config={config} label={t('menu.key', { key: k })} action={m.choices[k]} errors={sub(`choices.${k}`)}
            onChange={(a) => {
              const choices = { ...m.choices };
              if (a) choices[k] = a;
              else delete choices[k];
              set({ choices });
            }} />
        ))}
      </fieldset>
      <ActionEditor config={config} label={t('menu.default')} action={m.default} errors={sub('default')} onChange={(a) => set({ default: a })} />
      <FormMessage error={error} />
      <div class="row">
        <button type="submit" disabled={busy}>{t('form.save')}</button>
        <button type="button" class="secondary" onClick={onDone}>{t('form.cancel')}</button>
      </div>
    </form>
  );
}
