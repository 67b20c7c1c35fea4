/**
 * System: the whole configuration as YAML — download a backup (GET /api/config as YAML, with
 * the SIP secrets and password hashes a restore needs) and restore one (PUT /api/config: the
 * same validation as `autocom config import`, every problem listed, nothing changed when
 * refused, the text kept) — and the version and uptime.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api, request, type ApiError } from '../../lib/api';
import { loadConfig } from '../../lib/config';
import { duration } from '../../lib/time';
import { FormMessage } from '../../components/Field';
import { BoxArchive } from './BoxArchive';
import { Health } from './Health';

export default function System() {
  const [health, setHealth] = useState<{ version: string; uptime_s: number } | null>(null);
  const [yaml, setYaml] = useState('');
  const [issues, setIssues] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  useEffect(() => void api<{ version: string; uptime_s: number }>('GET', '/api/health').then(setHealth, () => undefined), []);
  const download = async () => {
    const text = await (await request('GET', '/api/config', undefined, { accept: 'application/yaml' })).text();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    a.download = `autocom-config-${new Date().toISOString().slice(0, 10)}.yaml`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const loadCurrent = async () => setYaml(await (await request('GET', '/api/config', undefined, { accept: 'application/yaml' })).text());
  const restore = async (ev: Event) => {
    ev.preventDefault();
    setError('');
    setIssues([]);
    setOk('');
    try {
      const r = (await (await request('PUT', '/api/config', yaml, { yaml: true })).json()) as { revision: number; warnings?: { path: string; message: string }[] };
      setOk(t('sys.restored', { revision: r.revision }));
      // Applied, but the check could not decide everything offline: the admin sees what.
      setIssues((r.warnings ?? []).map((i) => `${i.path}: ${i.message}`));
      void loadConfig();
    } catch (err) {
      const e = err as ApiError;
      setError(e.message);
      setIssues(e.issues.map((i) => `${i.path}: ${i.message}`));
    }
  };
  return (
    <div>
      {health && <p>{t('sys.version', { version: health.version, uptime: duration(health.uptime_s) })}</p>}
      <section class="card" aria-labelledby="backup-title">
        <h2 id="backup-title">{t('sys.backup')}</h2>
        <p class="muted">{t('sys.backupHelp')}</p>
        <button type="button" onClick={() => void download()}>{t('sys.download')}</button>
      </section>
      <form class="card" onSubmit={restore} aria-labelledby="restore-title">
        <h2 id="restore-title">{t('sys.restore')}</h2>
        <div class="field">
          <label for="restore-file">{t('sys.file')}</label>
          <input id="restore-file" type="file" accept=".yaml,.yml,application/yaml,text/yaml" onChange={(e) => void (e.currentTarget as HTMLInputElement).files?.[0]?.text().then(setYaml)} />
        </div>
        <div class="field">
          <label for="restore-yaml">{t('sys.yaml')}</label>
          <textarea id="restore-yaml" name="yaml" rows={14} value={yaml} aria-invalid={issues.length ? 'true' : undefined} aria-describedby={issues.length ? 'restore-issues' : undefined}
            onInput={(e) => setYaml((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        {issues.length > 0 && <div id="restore-issues" class="error" role="alert"><ul>{issues.map((i) => <li key={i}>{i}</li>)}</ul></div>}
        <FormMessage error={error} ok={ok} />
        <div class="row">
          <button type="button" class="secondary" onClick={() => void loadCurrent()}>{t('sys.loadCurrent')}</button>
          <button type="submit" disabled={!yaml.trim()}>{t('sys.apply')}</button>
        </div>
      </form>
      <BoxArchive />
      <Health />
    </div>
  );
}
