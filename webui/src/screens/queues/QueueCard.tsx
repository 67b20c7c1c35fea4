/**
 * One call queue's live statistics (GET /api/queues, kept up by `queue.stats`): callers
 * waiting and the longest wait (running between updates), the service level and its
 * threshold's companions (SL2, ASA, abandon rate, occupancy), today's counts, and each agent
 * with their state and the buttons the API allows the viewer (an admin everything, a
 * supervisor logging agents in and out).
 */
import { t, type MessageKey } from '../../i18n';
import { duration } from '../../lib/time';

export interface AgentRow { extension: string; state: string; reason?: string; logged_in: boolean }

export interface QueueView {
  extension: string;
  name: string;
  strategy: string;
  waiting: number;
  longest_wait_s: number;
  offered: number;
  answered: number;
  abandoned: number;
  service_level: number | null;
  sl2: number | null;
  asa_s: number | null;
  abandon_rate: number | null;
  occupancy: number | null;
  agents: AgentRow[];
  supervisors: string[];
}

export type AgentAction = 'login' | 'logout' | 'pause' | 'unpause';

const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 1000) / 10} %`);
const secs = (v: number | null): string => (v === null ? '—' : duration(v));

export function QueueCard({ q, elapsedS, admin, act }: { q: QueueView; elapsedS: number; admin: boolean; act: (agent: string, action: AgentAction, queue: string) => void }) {
  const figures: Array<[MessageKey, string, string]> = [
    ['queue.waiting', String(q.waiting), 'waiting'],
    ['queue.longest', q.waiting ? duration(q.longest_wait_s + elapsedS) : '—', 'longest'],
    ['queue.serviceLevel', pct(q.service_level), 'service_level'],
    ['queue.sl2', pct(q.sl2), 'sl2'],
    ['queue.asa', secs(q.asa_s), 'asa'],
    ['queue.abandonRate', pct(q.abandon_rate), 'abandon_rate'],
    ['queue.occupancy', pct(q.occupancy), 'occupancy'],
    ['queue.counts', t('queue.countsValue', { offered: q.offered, answered: q.answered, abandoned: q.abandoned }), 'counts'],
  ];
  return (
    <section class="card" aria-labelledby={`queue-${q.extension}`} data-queue={q.extension}>
      <h2 id={`queue-${q.extension}`}>{q.name} ({q.extension})</h2>
      <dl class="creds figures">
        {figures.map(([label, value, key]) => [<dt key={`${key}-t`}>{t(label)}</dt>, <dd key={key} data-figure={key}>{value}</dd>])}
      </dl>
      <table class="list" data-table={`agents-${q.extension}`}>
        <caption>{t('queue.agents')}</caption>
        <thead><tr><th scope="col">{t('queue.agent')}</th><th scope="col">{t('lines.state')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
        <tbody>
          {q.agents.map((a) => (
            <tr key={a.extension} data-agent={a.extension} data-state={a.state}>
              <th scope="row">{a.extension}</th>
              <td>{t(`agentState.${a.state}` as MessageKey)}{a.reason ? ` (${a.reason})` : ''}</td>
              <td class="actions">
                {a.logged_in
                  ? <button type="button" class="secondary" onClick={() => act(a.extension, 'logout', q.extension)}>{t('queue.logout')}<span class="sr-only"> {a.extension}</span></button>
                  : <button type="button" onClick={() => act(a.extension, 'login', q.extension)}>{t('queue.login')}<span class="sr-only"> {a.extension}</span></button>}
                {admin && a.logged_in && (a.state === 'paused'
                  ? <button type="button" class="secondary" onClick={() => act(a.extension, 'unpause', q.extension)}>{t('queue.unpause')}<span class="sr-only"> {a.extension}</span></button>
                  : <button type="button" class="secondary" onClick={() => act(a.extension, 'pause', q.extension)}>{t('queue.pause')}<span class="sr-only"> {a.extension}</span></button>)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p><a class="button" href={`/api/queues/${q.extension}/report?interval=day&format=csv`} download>{t('queue.report')}<span class="sr-only"> {q.name}</span></a></p>
    </section>
  );
}
