/**
 * Queues (ACD, src/acd): the queues the viewer may watch (an admin all, a supervisor theirs)
 * with live statistics, from GET /api/queues and refreshed on every `queue.*` event; and,
 * for an agent, their own state with log in / out and pause buttons (POST
 * /api/queues/agents/:me/:action — the API decides who may do what).
 */
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { useLive, useTicker } from '../../lib/useLive';
import { QueueCard, type AgentAction, type QueueView } from './QueueCard';

interface QueuesReply { queues: QueueView[]; me: { extension: string; state: string; reason?: string; queues: string[] } | null }

export default function Queues() {
  const who = useStore(me);
  const { data, error, reload } = useLive<QueuesReply>('/api/queues', (type) => type.startsWith('queue.'));
  const [fetchedAt, setFetchedAt] = useState(0);
  const [failure, setFailure] = useState('');
  const now = useTicker();
  useEffect(() => setFetchedAt(Date.now()), [data]);
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const act = (agent: string, action: AgentAction, queue?: string) => {
    setFailure('');
    api('POST', `/api/queues/agents/${agent}/${action}`, queue ? { queue } : {}).then(reload, (e: Error) => setFailure(e.message));
  };
  const mine = data.me;
  return (
    <div>
      {failure && <p class="error" role="alert">{failure}</p>}
      {mine && (
        <section class="card" aria-labelledby="my-agent" data-me={mine.extension}>
          <h2 id="my-agent">{t('queue.mine')}</h2>
          <p data-my-state={mine.state}>{t('queue.myState', { state: t(`agentState.${mine.state}` as MessageKey) })}{mine.reason ? ` (${mine.reason})` : ''}</p>
          <div class="row">
            {mine.state === 'logged_out'
              ? <button type="button" onClick={() => act(mine.extension, 'login')}>{t('queue.loginMe')}</button>
              : <button type="button" class="secondary" onClick={() => act(mine.extension, 'logout')}>{t('queue.logoutMe')}</button>}
            {mine.state !== 'logged_out' && (mine.state === 'paused'
              ? <button type="button" class="secondary" onClick={() => act(mine.extension, 'unpause')}>{t('queue.unpause')}</button>
              : <button type="button" class="secondary" onClick={() => act(mine.extension, 'pause')}>{t('queue.pause')}</button>)}
          </div>
        </section>
      )}
      {data.queues.length === 0 && <p data-empty="queues">{t('queue.none')}</p>}
      {data.queues.map((q) => <QueueCard key={q.extension} q={q} elapsedS={Math.max(0, Math.floor((now - fetchedAt) / 1000))} admin={who?.role === 'admin'} act={act} />)}
    </div>
  );
}
