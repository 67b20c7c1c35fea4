/**
 * The subscription window: open or closed (counting down), and the admin opens it for N
 * minutes (POST /api/dect/subscription). Without an access code the API answers 409 and the
 * page shows its message.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { NumberField } from '../../components/Field';
import { useTicker } from '../../lib/useLive';

export function SubscriptionWindow({ openS, reload }: { openS: number; reload: () => void }) {
  // When the window closes, as a time on this page's clock (0: closed).
  const deadline = (s: number): number => (s > 0 ? Date.now() + s * 1000 : 0);
  const [until, setUntil] = useState(deadline(openS));
  useEffect(() => setUntil(deadline(openS)), [openS]);
  const now = useTicker(1000);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  const [minutes, setMinutes] = useState<number | undefined>(5);
  const [error, setError] = useState('');
  const open = () =>
    api<{ open_s: number }>('POST', '/api/dect/subscription', { minutes: minutes ?? 0 }).then(
      (r) => (setError(''), setUntil(deadline(r.open_s)), reload()),
      (e: Error) => setError(e.message),
    );
  return (
    <section class="card" aria-labelledby="dect-subscription" data-subscription={left > 0 ? 'open' : 'closed'}>
      <h2 id="dect-subscription">{t('dect.subscription')}</h2>
      <p role="status">{left > 0 ? t('dect.windowOpen', { s: left }) : t('dect.windowClosed')}</p>
      <div class="row">
        <NumberField label={t('dect.minutes')} value={minutes} min={1} max={60} onInput={setMinutes} error={error || undefined} />
        <button type="button" onClick={() => void open()}>{t('dect.openWindow')}</button>
      </div>
    </section>
  );
}
