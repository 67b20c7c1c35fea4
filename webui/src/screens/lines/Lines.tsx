/** Lines: every analog port (city lines and extensions) with its live state, and each line card's link (/api/lines). */
import { t } from '../../i18n';
import { useLive } from '../../lib/useLive';
import { TrunkGroups, TrunksTable, type GroupView, type TrunkView } from './Trunks';

interface Port { kind: 'fxs' | 'fxo'; port: number; card: string; assigned: string | null; state: string; peer: { number: string; name?: string } | null; held?: boolean }
interface Card { id: string; status: string; model: string | null; firmware: string | null }

export default function Lines() {
  const { data, error } = useLive<{ cards: Card[]; ports: Port[]; trunks?: TrunkView[]; groups?: GroupView[] }>('/api/lines', (type) => type === 'line.state' || type === 'card.status' || type === 'trunk.state' || type === 'camp-on.changed');
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  return (
    <div>
      <h2>{t('lines.cards')}</h2>
      <ul>{data.cards.map((c) => <li key={c.id} data-card={c.id}>{c.id}: {c.status}{c.model ? ` · ${c.model}` : ''}{c.firmware ? ` · ${c.firmware}` : ''}</li>)}</ul>
      {(['fxo', 'fxs'] as const).map((kind) => (
        <table key={kind} class="list" data-table={kind}>
          <caption>{kind === 'fxo' ? t('lines.city') : t('lines.extensions')}</caption>
          <thead><tr><th scope="col">{t('lines.port')}</th><th scope="col">{t('lines.assigned')}</th><th scope="col">{t('lines.state')}</th><th scope="col">{t('lines.peer')}</th></tr></thead>
          <tbody>
            {data.ports.filter((p) => p.kind === kind).map((p) => (
              <tr key={`${kind}${p.port}`} data-port={`${kind}${p.port}`} data-state={p.state}>
                <td>{p.port} ({p.card})</td><td>{p.assigned ?? t('lines.free')}</td><td>{p.state}{p.held ? ` · ${t('live.held')}` : ''}</td>
                <td>{p.peer ? [p.peer.name, p.peer.number].filter(Boolean).join(' ') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <TrunksTable trunks={data.trunks ?? []} />
      <TrunkGroups groups={data.groups ?? []} />
    </div>
  );
}
