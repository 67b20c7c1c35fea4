/** Whether the live events arrive: "live", or "reconnecting…" while the WebSocket is down. */
import { streamState } from '../lib/events';
import { useStore } from '../lib/store';
import { t } from '../i18n';

export function StreamBadge() {
  const s = useStore(streamState);
  return <span class={`badge stream-${s}`} role="status" data-stream={s}>{t(`stream.${s}`)}</span>;
}
