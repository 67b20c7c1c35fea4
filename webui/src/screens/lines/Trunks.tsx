/**
 * The Lines screen's outside lines beyond the analog ports: each SIP trunk with its
 * registration or reachability, why it is out of service, the last OPTIONS keepalive and its
 * calls in use — and each trunk group with its free lines and the employees waiting for one
 * (camp-on, oldest first), all from GET /api/lines and kept up by `trunk.state` and
 * `camp-on.changed`.
 */
import { t, type MessageKey } from '../../i18n';
import { dateTime, timeOnly } from '../../lib/time';

export interface TrunkView {
  name: string;
  kind: 'registration' | 'peer';
  state: string;
  reason: string | null;
  provider: string;
  outbound_proxy: string | null;
  registration: { expires_at: number | null; next_attempt_at: number | null; failures: number } | null;
  options: { at: number; result: string | number } | null;
  calls: number;
  max_calls: number;
}

export interface GroupView {
  name: string;
  members: string[];
  free: string[];
  queue: Array<{ id: string; extension: string; number: string; since: number; state: string; line: string | null }>;
}

const IN_SERVICE = new Set(['registered', 'refreshing', 'reachable']);

export function TrunksTable({ trunks }: { trunks: TrunkView[] }) {
  if (!trunks.length) return <p class="muted" data-empty="trunks">{t('trunks.none')}</p>;
  return (
    <table class="list" data-table="trunks">
      <caption>{t('trunks.title')}</caption>
      <thead><tr><th scope="col">{t('trunks.name')}</th><th scope="col">{t('trunks.provider')}</th><th scope="col">{t('lines.state')}</th><th scope="col">{t('trunks.keepalive')}</th><th scope="col">{t('trunks.calls')}</th></tr></thead>
      <tbody>
        {trunks.map((tr) => (
          <tr key={tr.name} data-trunk={tr.name} data-state={tr.state}>
            <th scope="row">{tr.name}</th>
            <td>{tr.provider}{tr.outbound_proxy ? ` (${t('trunks.via', { proxy: tr.outbound_proxy })})` : ''}</td>
            <td>
              <span class={`badge${IN_SERVICE.has(tr.state) ? ' stream-live' : tr.state === 'failed' || tr.state === 'unreachable' ? ' stream-closed' : ''}`}>{t(`trunkState.${tr.state}` as MessageKey) || tr.state}</span>
              {tr.reason && <div class="error">{tr.reason}</div>}
              {tr.registration?.expires_at && IN_SERVICE.has(tr.state) && <div class="muted">{t('trunks.until', { at: dateTime(tr.registration.expires_at) })}</div>}
              {tr.registration?.next_attempt_at && !IN_SERVICE.has(tr.state) && <div class="muted">{t('trunks.retry', { at: timeOnly(tr.registration.next_attempt_at), failures: tr.registration.failures })}</div>}
            </td>
            <td>{tr.options ? `${timeOnly(tr.options.at)} · ${tr.options.result}` : '—'}</td>
            <td>{tr.calls} / {tr.max_calls}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrunkGroups({ groups }: { groups: GroupView[] }) {
  if (!groups.length) return null;
  return (
    <table class="list" data-table="groups">
      <caption>{t('trunks.groups')}</caption>
      <thead><tr><th scope="col">{t('trunks.group')}</th><th scope="col">{t('trunks.members')}</th><th scope="col">{t('trunks.free')}</th><th scope="col">{t('trunks.queue')}</th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.name} data-group={g.name}>
            <th scope="row">{g.name}</th><td>{g.members.join(', ')}</td><td>{g.free.length ? g.free.join(', ') : t('trunks.noneFree')}</td>
            <td>
              {g.queue.length === 0 ? '—' : (
                <ol>{g.queue.map((q) => <li key={q.id} data-waiting={q.extension}>{t('trunks.waiting', { extension: q.extension, number: q.number, since: timeOnly(q.since) })}{q.line ? ` → ${q.line}` : ''} ({q.state})</li>)}</ol>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
