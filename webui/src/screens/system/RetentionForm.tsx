/**
 * How long the box keeps call records, voicemail and recordings (GET/PUT
 * /api/system/retention): a number of days for each, empty to keep for good. Saving purges
 * at once and says what went; a refused value shows the API's message by its field.
 */
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { FormMessage, NumberField } from '../../components/Field';

type Key = 'call_records_days' | 'voicemail_days' | 'recordings_days';
const KEYS: Key[] = ['call_records_days', 'voicemail_days', 'recordings_days'];
type Settings = Record<Key, number | null>;

export function RetentionForm({ onPurged }: { onPurged: () => void }) {
  const [s, setS] = useState<Settings | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [ok, setOk] = useState('');
  useEffect(() => void api<Settings>('GET', '/api/system/retention').then(setS, (e: Error) => setErrors({ '': e.message })), []);
  if (!s) return errors[''] ? <p role="alert">{errors['']}</p> : null;
  const save = async (ev: Event) => {
    ev.preventDefault();
    setErrors({});
    setOk('');
    try {
      const r = await api<Settings & { removed: { call_records: number; voicemail: number; recordings: number } }>('PUT', '/api/system/retention', s);
      setOk(t('retention.saved', r.removed));
      onPurged();
    } catch (err) {
      const out: Record<string, string> = {};
      for (const part of (err as Error).message.replace(/^bad request: /, '').split('; ')) {
        const m = /^([a-z_]+): (.*)$/.exec(part);
        if (m && (KEYS as string[]).includes(m[1]!)) out[m[1]!] = m[2]!;
        else out[''] = part;
      }
      setErrors(out);
    }
  };
  return (
    <form class="card" onSubmit={save} aria-labelledby="retention-title" noValidate>
      <h2 id="retention-title">{t('retention.title')}</h2>
      <p class="muted">{t('retention.help')}</p>
      <div class="grid">
        {KEYS.map((k) => (
          <NumberField key={k} name={k} label={t(`retention.${k}` as MessageKey)} min={1} max={3650} value={s[k] ?? undefined} error={errors[k]}
            onInput={(v) => setS((o) => (o ? { ...o, [k]: v ?? null } : o))} />
        ))}
      </div>
      <FormMessage error={errors['']} ok={ok} />
      <button type="submit">{t('retention.save')}</button>
    </form>
  );
}
