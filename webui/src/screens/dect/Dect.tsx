/**
 * DECT (issue 16), as the installer's DECT manager shows it: every base (online, synchronised
 * and to which master, calls in use against capacity), every subscribed handset (IPEI,
 * extension, the base it is at, what it hears), the recent handovers and the alarms, and the
 * subscription window. From GET /api/dect, fetched again on each dect.* event.
 */
import { t } from '../../i18n';
import { useLive } from '../../lib/useLive';
import { HandoverLog, Alarms } from './DectLog';
import { SubscriptionWindow } from './SubscriptionWindow';
import { apiWord } from './label';
import type { DectBase, DectHandset, DectView } from './types';

export default function Dect() {
  const { data, error, reload } = useLive<DectView>('/api/dect', (type) => type.startsWith('dect.'));
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  return (
    <div>
      <Alarms alarms={data.alarms} />
      <SubscriptionWindow openS={data.subscription.open_s} reload={reload} />
      <Bases bases={data.bases} />
      <Handsets handsets={data.handsets} />
      <HandoverLog handovers={data.handovers} />
    </div>
  );
}

function syncText(b: DectBase): string {
  if (!b.synced) return t('dect.notSynced');
  if (b.master === null || b.master === b.rpn) return t('dect.master');
  return t('dect.syncedTo', { rpn: b.master });
}

function Bases({ bases }: { bases: DectBase[] }) {
  return (
    <table class="list" data-table="bases">
      <caption>{t('dect.bases')}</caption>
      <thead><tr><th scope="col">{t('dect.base')}</th><th scope="col">{t('dect.online')}</th><th scope="col">{t('dect.sync')}</th><th scope="col">{t('dect.calls')}</th><th scope="col">{t('dect.handsets')}</th></tr></thead>
      <tbody>
        {bases.map((b) => (
          <tr key={b.rpn} data-base={b.rpn} data-online={b.online ? 'yes' : 'no'} data-synced={b.synced ? 'yes' : 'no'}>
            <th scope="row">{t('dect.baseName', { rpn: b.rpn })} <span class="muted">{b.id}</span></th>
            <td><span class="badge">{b.online ? t('dect.online') : t('dect.offline')}</span></td>
            <td>{syncText(b)}</td>
            <td data-calls={b.calls}>{b.capacity === null ? b.calls : t('dect.callsOf', { calls: b.calls, capacity: b.capacity })}</td>
            <td>{b.handsets}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "base 1 −48 dBm · base 2 −66 dBm", strongest first. */
function heard(rssi: Record<string, number>): string {
  return Object.entries(rssi).sort((a, b) => b[1] - a[1]).map(([rpn, dbm]) => `${t('dect.baseName', { rpn })} ${Math.round(dbm)} dBm`).join(' · ');
}

function Handsets({ handsets }: { handsets: DectHandset[] }) {
  if (handsets.length === 0) return <p>{t('dect.noHandsets')}</p>;
  return (
    <table class="list" data-table="handsets">
      <caption>{t('dect.handsets')}</caption>
      <thead><tr><th scope="col">{t('dect.ipei')}</th><th scope="col">{t('dect.extension')}</th><th scope="col">{t('dect.base')}</th><th scope="col">{t('dect.state')}</th><th scope="col">{t('dect.rssi')}</th></tr></thead>
      <tbody>
        {handsets.map((h) => (
          <tr key={h.ipei} data-ipei={h.ipei} data-base={h.serving ?? h.located ?? 'none'}>
            <th scope="row">{h.ipei}</th>
            <td>{h.extension ? `${h.extension}${h.name ? ` · ${h.name}` : ''}` : t('dect.unassigned')}</td>
            <td data-cell="base">{(h.serving ?? h.located) !== null ? t('dect.baseName', { rpn: (h.serving ?? h.located)! }) : t('dect.noBase')}</td>
            <td><span class="badge" data-state={h.state}>{apiWord('dect.state', h.state)}</span></td>
            <td>{heard(h.rssi)}{h.quality !== null && <span class="muted"> · {h.quality} %</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

