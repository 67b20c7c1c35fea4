/**
 * The whole box as one archive (GET/PUT /api/archive): download it — configuration, live
 * state, call records, notes, voicemail and the site's prompts, as a tar.gz — or restore
 * one: the API checks it (and lists a refused configuration's problems as a YAML restore
 * does) and stages it; it replaces this box's data at the next start, so the page says so
 * and offers to cancel — or to restore now: the exchange restarts itself on the restored
 * data (POST /api/archive/pending/apply), the page waits for it to answer again and reloads
 * to the sign-in (the archive's passwords; nobody is signed in by an archive).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api, ApiError } from '../../lib/api';
import { dateTime } from '../../lib/time';
import { FormMessage } from '../../components/Field';

interface Staged { site: string; created_at: string; firmware: string; staged_at: string; files: number }

export function BoxArchive() {
  const [staged, setStaged] = useState<Staged | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState('');
  const [issues, setIssues] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => void api<{ staged: Staged }>('GET', '/api/archive/pending').then((r) => setStaged(r.staged), () => setStaged(null)), []);
  const stage = async (ev: Event) => {
    ev.preventDefault();
    if (!file) return;
    setBusy(true);
    setError('');
    setIssues([]);
    try {
      const res = await fetch('/api/archive', { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/gzip' }, body: file });
      const body = (await res.json().catch(() => ({}))) as { staged?: Staged; error?: string; issues?: Array<{ path: string; message: string }> };
      if (!res.ok) throw new ApiError(res.status, body.error ?? `error ${res.status}`, body.issues ?? []);
      setStaged(body.staged ?? null);
    } catch (err) {
      const e = err as ApiError;
      setError(e.message);
      setIssues((e.issues ?? []).map((i) => `${i.path}: ${i.message}`));
    } finally {
      setBusy(false);
    }
  };
  const [phase, setPhase] = useState<'idle' | 'restarting' | 'restarted'>('idle');
  const apply = async () => {
    setError('');
    try {
      const before = await api<{ uptime_s: number }>('GET', '/api/health');
      await api('POST', '/api/archive/pending/apply');
      setPhase('restarting');
      await backAgain(before.uptime_s);
      setPhase('restarted');
      setTimeout(() => location.reload(), 1500);
    } catch (e) {
      setPhase('idle');
      setError((e as Error).message);
    }
  };
  const cancel = () => void api('DELETE', '/api/archive/pending').then(() => setStaged(null), (e: Error) => setError(e.message));
  return (
    <section class="card" aria-labelledby="archive-title">
      <h2 id="archive-title">{t('archive.title')}</h2>
      <p class="muted">{t('archive.help')}</p>
      <p><a class="button" href="/api/archive" download>{t('archive.download')}</a></p>
      {staged && (
        <div class="refused" role="status" data-staged={staged.site}>
          <p>{t('archive.stagedNow', { site: staged.site, created: dateTime(staged.created_at), firmware: staged.firmware })}</p>
          <div class="row">
            <button type="button" disabled={phase !== 'idle'} onClick={() => void apply()}>{t('archive.apply')}</button>
            <button type="button" class="secondary" disabled={phase !== 'idle'} onClick={cancel}>{t('archive.cancel')}</button>
          </div>
        </div>
      )}
      {phase !== 'idle' && <p role="status" data-restore={phase}>{t(phase === 'restarting' ? 'archive.restarting' : 'archive.restarted')}</p>}
      <form onSubmit={stage} aria-label={t('archive.restore')}>
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for="archive-file">{t('archive.file')}</label>
          <input id="archive-file" type="file" accept=".tar.gz,.tgz,application/gzip" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'archive-err' : undefined}
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
          {error && <small id="archive-err" class="error" role="alert">{error}</small>}
        </div>
        {issues.length > 0 && <div class="error" role="alert"><ul>{issues.map((i) => <li key={i}>{i}</li>)}</ul></div>}
        <FormMessage />
        <button type="submit" disabled={!file || busy}>{t('archive.restore')}</button>
      </form>
    </section>
  );
}

/**
 * Resolves once the exchange answers again after its restart: GET /api/health failed at least
 * once (it was down) or tells a shorter uptime than it did before the restart.
 */
async function backAgain(uptimeBefore: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let down = false;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      const res = await fetch('/api/health', { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const h = (await res.json()) as { uptime_s: number };
      if (down || h.uptime_s < uptimeBefore) return;
    } catch {
      down = true;
    }
  }
  throw new Error(t('archive.notBack'));
}
