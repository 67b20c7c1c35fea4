/**
 * The box's health on the System screen (GET /api/system): the disk holding the data —
 * free space with a warning before it fills, what the exchange's data takes — and the
 * log's recent warnings and errors, newest first, in the site's time zone.
 */
import { t, type MessageKey } from '../../i18n';
import { dateTime } from '../../lib/time';
import { useLive } from '../../lib/useLive';
import { RetentionForm } from './RetentionForm';

interface SystemView {
  disk: { total_bytes: number; free_bytes: number; used: Record<string, number>; low: boolean };
  warnings: Array<{ at: number; level: string; msg: string; component?: string }>;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function Health() {
  const { data, error, reload } = useLive<SystemView>('/api/system', () => false);
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const { disk } = data;
  const usedPct = disk.total_bytes ? Math.round(((disk.total_bytes - disk.free_bytes) / disk.total_bytes) * 100) : 0;
  return (
    <>
      <section class="card" aria-labelledby="disk-title" data-disk={disk.low ? 'low' : 'ok'}>
        <h2 id="disk-title">{t('disk.title')}</h2>
        {disk.low && <p class="refused" role="alert">{t('disk.low', { free: bytes(disk.free_bytes) })}</p>}
        <p>{t('disk.summary', { free: bytes(disk.free_bytes), total: bytes(disk.total_bytes), pct: usedPct })}</p>
        <div class="meter" role="img" aria-label={t('disk.meter', { pct: usedPct })}><span style={{ width: `${usedPct}%` }} /></div>
        <dl class="creds">
          {Object.entries(disk.used).map(([k, v]) => [<dt key={`${k}-t`}>{t(`disk.${k}` as MessageKey)}</dt>, <dd key={k} data-used={k}>{bytes(v)}</dd>])}
        </dl>
      </section>
      <RetentionForm onPurged={reload} />
      <section class="card" aria-labelledby="warnings-title">
        <h2 id="warnings-title">{t('log.title')}</h2>
        {data.warnings.length === 0 ? <p class="muted" data-empty="warnings">{t('log.none')}</p> : (
          <table class="list" data-table="warnings">
            <caption class="sr-only">{t('log.title')}</caption>
            <thead><tr><th scope="col">{t('log.when')}</th><th scope="col">{t('log.level')}</th><th scope="col">{t('log.component')}</th><th scope="col">{t('log.message')}</th></tr></thead>
            <tbody>
              {data.warnings.map((w, i) => (
                <tr key={`${w.at}-${i}`} data-level={w.level}><td>{dateTime(w.at)}</td><td>{t(`log.${w.level}` as MessageKey)}</td><td>{w.component ?? ''}</td><td>{w.msg}</td></tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" class="secondary" onClick={reload}>{t('log.refresh')}</button>
      </section>
    </>
  );
}
