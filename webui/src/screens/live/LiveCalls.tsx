/** Live calls: who talks with whom, on which line, for how long, held or not — from /api/calls, kept up by /api/events; an admin can hang up. */
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { duration, timeOnly } from '../../lib/time';
import { useLive, useTicker } from '../../lib/useLive';

interface Party { number?: string; name?: string }
interface ChannelView { id: string; tech: string; direction: string; state: string; owner: string; caller: Party; since: string; stateSince: string; held: boolean; call: string | null }
interface CallView { id: string; state: string; from: string; to: string; channel: string; startedAt: string; answeredAt: string | null }
interface Live { calls: CallView[]; channels: ChannelView[] }

const LIVE_EVENTS = (type: string) => type.startsWith('channel.') || type === 'bridge.members' || type.startsWith('call.');

export default function LiveCalls() {
  const who = useStore(me);
  const { data, error } = useLive<Live>('/api/calls', LIVE_EVENTS);
  const now = useTicker();
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const hangup = (id: string) => void api('POST', `/api/calls/${encodeURIComponent(id)}/hangup`).catch((e) => alert(e.message));
  return (
    <div>
      {error && <p class="error" role="alert">{error}</p>}
      {data.calls.length === 0 && <p data-empty="calls">{t('live.none')}</p>}
      {data.calls.length > 0 && (
        <table class="list" data-table="calls">
          <caption class="sr-only">{t('nav.live')}</caption>
          <thead><tr><th scope="col">{t('live.from')}</th><th scope="col">{t('live.to')}</th><th scope="col">{t('live.state')}</th><th scope="col">{t('live.legs')}</th><th scope="col">{t('live.since')}</th>{who?.role === 'admin' && <th scope="col">{t('form.actions')}</th>}</tr></thead>
          <tbody>
            {data.calls.map((c) => {
              const legs = data.channels.filter((ch) => ch.call === c.id);
              return (
                <tr key={c.id} data-call={c.id} data-from={c.from} data-to={c.to}>
                  <td>{c.from}</td><td>{c.to}</td><td>{t(`callState.${c.state}` as MessageKey)}</td>
                  <td>{legs.map((l) => `${l.owner} (${l.tech}, ${l.state}${l.held ? `, ${t('live.held')}` : ''})`).join(' ↔ ')}</td>
                  <td>{timeOnly(c.startedAt)} · {duration((now - Date.parse(c.answeredAt ?? c.startedAt)) / 1000)}</td>
                  {who?.role === 'admin' && <td><button type="button" class="danger" onClick={() => hangup(c.id)}>{t('live.hangup')}<span class="sr-only"> {c.from} → {c.to}</span></button></td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
