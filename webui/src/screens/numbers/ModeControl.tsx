/** The office mode now (GET /api/mode) and buttons to force one until the schedule's next change, or give it back to the schedule. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { onEvent } from '../../lib/events';
import { dateTime } from '../../lib/time';
import { t } from '../../i18n';
import { FormMessage } from '../../components/Field';

interface ModeState { mode: string; forced: boolean; until: number | null }
const MODES = ['day', 'night', 'lunch', 'holiday'] as const;

export function ModeControl() {
  const [m, setM] = useState<ModeState | null>(null);
  const [error, setError] = useState('');
  const load = () => api<ModeState>('GET', '/api/mode').then(setM, (e) => setError(e.message));
  useEffect(() => {
    void load();
    return onEvent((e) => e.type === 'office.mode' && void load());
  }, []);
  const put = (mode: string) => api<ModeState>('PUT', '/api/mode', { mode }).then((r) => (setM(r), setError('')), (e) => setError(e.message));
  return (
    <section class="card" aria-labelledby="mode-title">
      <h2 id="mode-title">{t('mode.title')}</h2>
      {m && (
        <p data-mode={m.mode}>
          <strong>{t(`mode.${m.mode as 'day'}`)}</strong>{' — '}
          {m.forced ? t('mode.forcedUntil', { until: m.until ? dateTime(m.until) : t('mode.further') }) : t('mode.bySchedule', { until: m.until ? dateTime(m.until) : t('mode.further') })}
        </p>
      )}
      <div class="row">
        {MODES.map((x) => <button key={x} type="button" class="secondary" onClick={() => void put(x)}>{t('mode.force', { mode: t(`mode.${x}`) })}</button>)}
        {m?.forced && <button type="button" onClick={() => void put('schedule')}>{t('mode.release')}</button>}
      </div>
      <FormMessage error={error} />
    </section>
  );
}
