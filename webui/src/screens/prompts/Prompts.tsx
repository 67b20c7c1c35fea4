/**
 * Voice prompts (GET/PUT/DELETE /api/prompts): every prompt the exchange plays, per language
 * (English, French, Russian), whether the site replaced it; listen to the one that plays,
 * upload the site's own WAV (telephone audio: 8 kHz mono — the API says what is wrong with
 * any other file), add a prompt of the site's own (a menu's greeting), or go back to the
 * bundled one.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { uploadFile } from '../../lib/upload';
import { useLive } from '../../lib/useLive';
import { FormMessage, SelectField, TextField } from '../../components/Field';

const LANGS = ['en', 'fr', 'ru'] as const;
type PromptLang = (typeof LANGS)[number];
interface PromptRow { id: string; bundled: boolean; site: Record<PromptLang, boolean> }

export default function Prompts() {
  const { data, error, reload } = useLive<{ prompts: PromptRow[] }>('/api/prompts', () => false);
  const [id, setId] = useState('');
  const [language, setLanguage] = useState<PromptLang>('fr');
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState('');
  const [ok, setOk] = useState('');
  const [playing, setPlaying] = useState('');
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const upload = async (ev: Event) => {
    ev.preventDefault();
    setFieldError('');
    setOk('');
    if (!file) return;
    try {
      const r = await uploadFile<{ duration_ms: number }>('PUT', `/api/prompts/${language}/${encodeURIComponent(id.trim())}`, file, 'audio/wav');
      setOk(t('prompt.uploaded', { id: id.trim(), lang: language, seconds: Math.round(r.duration_ms / 100) / 10 }));
      reload();
    } catch (err) {
      setFieldError((err as Error).message);
    }
  };
  const remove = (p: PromptRow, l: PromptLang) => void api('DELETE', `/api/prompts/${l}/${p.id}`).then(() => { setOk(t('prompt.removed', { id: p.id, lang: l })); reload(); }, (e: Error) => setFieldError(e.message));
  return (
    <div>
      <form class="card" onSubmit={upload} aria-labelledby="prompt-upload">
        <h2 id="prompt-upload">{t('prompt.upload')}</h2>
        <p class="muted">{t('prompt.help')}</p>
        <div class="grid">
          <TextField label={t('prompt.name')} name="prompt" value={id} onInput={setId} hint={t('prompt.nameHint')} />
          <SelectField label={t('prompt.language')} value={language} onChange={(v) => setLanguage(v as PromptLang)} options={LANGS.map((l) => ({ value: l, label: l.toUpperCase() }))} />
        </div>
        <div class={`field${fieldError ? ' invalid' : ''}`}>
          <label for="prompt-file">{t('prompt.file')}</label>
          <input id="prompt-file" type="file" accept=".wav,audio/wav,audio/x-wav" aria-invalid={fieldError ? 'true' : undefined} aria-describedby={fieldError ? 'prompt-file-err' : undefined}
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
          {fieldError && <small id="prompt-file-err" class="error" role="alert">{fieldError}</small>}
        </div>
        <FormMessage ok={ok} />
        <button type="submit" disabled={!file || !id.trim()}>{t('prompt.send')}</button>
      </form>
      {playing && <audio controls autoplay src={playing} aria-label={t('prompt.player')} />}
      <table class="list" data-table="prompts">
        <caption>{t('prompt.list')}</caption>
        <thead><tr><th scope="col">{t('prompt.name')}</th>{LANGS.map((l) => <th key={l} scope="col">{l.toUpperCase()}</th>)}</tr></thead>
        <tbody>
          {data.prompts.map((p) => (
            <tr key={p.id} data-prompt={p.id}>
              <th scope="row">{p.id}{p.bundled ? '' : <span class="badge">{t('prompt.own')}</span>}</th>
              {LANGS.map((l) => (
                <td key={l} data-lang={l} data-site={p.site[l] ? 'yes' : 'no'}>
                  {p.site[l] ? <span class="badge stream-live">{t('prompt.replaced')}</span> : p.bundled ? <span class="muted">{t('prompt.bundled')}</span> : '—'}
                  {(p.site[l] || p.bundled) && (
                    <div class="actions">
                      <button type="button" class="secondary" onClick={() => setPlaying(`/api/prompts/${l}/${p.id}?t=${Date.now()}`)}>{t('prompt.play')}<span class="sr-only"> {p.id} {l}</span></button>
                      <button type="button" class="secondary" onClick={() => { setId(p.id); setLanguage(l); document.getElementById('prompt-file')?.focus(); }}>{t('prompt.replace')}<span class="sr-only"> {p.id} {l}</span></button>
                      {p.site[l] && <button type="button" class="danger" onClick={() => remove(p, l)}>{p.bundled ? t('prompt.restore') : t('form.delete')}<span class="sr-only"> {p.id} {l}</span></button>}
                    </div>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
