/**
 * Doors (issue 17): each door's lock (locked/open) and what its wiring does without power, the
 * door contact and the forced-door alarm (an admin acknowledges it), the last ring, the recent
 * attempts, and an Open button for whoever may open now (an admin; a user the door allows at
 * this hour). From GET /api/doors, kept up by the door.* events.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { dateTime } from '../../lib/time';
import { useLive } from '../../lib/useLive';

interface Attempt { at: number; by: string; how: string; result: string }
interface Door {
  name: string;
  relay: 'open' | 'locked';
  wiring: 'fail_secure' | 'fail_safe';
  last_ring: number | null;
  openings: Attempt[];
  contact: 'open' | 'closed' | null;
  forced: boolean;
  forced_at: number | null;
  locked_out_s: number;
  fault: string | null;
  may_open?: 'allowed' | 'not-allowed' | 'outside-hours';
}

/** How many of the recent attempts the screen lists per door. */
const SHOWN = 5;

export default function Doors() {
  const { data, error, reload } = useLive<{ doors: Door[] }>('/api/doors', (type) => type.startsWith('door.'));
  if (!data) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  if (data.doors.length === 0) return <p>{t('doors.none')}</p>;
  return <div>{data.doors.map((d) => <DoorCard key={d.name} door={d} reload={reload} />)}</div>;
}

function DoorCard({ door: d, reload }: { door: Door; reload: () => void }) {
  const who = useStore(me);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const post = (verb: 'open' | 'acknowledge') =>
    api('POST', `/api/doors/${encodeURIComponent(d.name)}/${verb}`, {}).then(
      () => (setSaid(verb === 'open' ? { ok: true, text: t('doors.opened') } : null), reload()),
      (e: Error) => (setSaid({ ok: false, text: e.message }), reload()),
    );
  const heading = `door-${d.name.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <section class="card" aria-labelledby={heading} data-door={d.name} data-relay={d.relay} data-forced={d.forced ? 'yes' : 'no'}>
      <h2 id={heading}>{d.name}</h2>
      {d.forced && (
        <div class="refused row" role="alert">
          <strong>{t('doors.forced', { at: dateTime(d.forced_at) })}</strong>
          {who?.role === 'admin' && <button type="button" class="danger" onClick={() => void post('acknowledge')}>{t('doors.acknowledge')}<span class="sr-only"> {d.name}</span></button>}
        </div>
      )}
      <dl class="creds">
        <dt>{t('doors.lock')}</dt>
        <dd data-lock={d.relay}><span class="badge">{d.relay === 'open' ? t('doors.open') : t('doors.locked')}</span> <span class="muted">{t(`doors.wiring.${d.wiring}` as MessageKey)}</span></dd>
        <dt>{t('doors.contact')}</dt>
        <dd data-contact={d.contact ?? 'none'}>{d.contact ? t(`doors.contact.${d.contact}` as MessageKey) : t('doors.contact.none')}</dd>
        <dt>{t('doors.lastRing')}</dt>
        <dd>{d.last_ring ? dateTime(d.last_ring) : t('doors.never')}</dd>
      </dl>
      {d.locked_out_s > 0 && <p class="error">{t('doors.lockedOut', { s: d.locked_out_s })}</p>}
      {d.fault && <p class="error">{t('doors.fault', { fault: d.fault })}</p>}
      <div class="row">
        {d.may_open === 'allowed'
          ? <button type="button" onClick={() => void post('open')}>{t('doors.openButton', { door: d.name })}</button>
          : d.may_open && <p class="muted" data-may-not={d.may_open}>{t(`doors.mayNot.${d.may_open}` as MessageKey)}</p>}
      </div>
      {said && <p class={said.ok ? 'form-ok' : 'error'} role={said.ok ? 'status' : 'alert'}>{said.text}</p>}
      {d.openings.length > 0 && (
        <table class="list" data-table="openings">
          <caption>{t('doors.openings')}</caption>
          <thead><tr><th scope="col">{t('doors.when')}</th><th scope="col">{t('doors.who')}</th><th scope="col">{t('doors.how')}</th><th scope="col">{t('doors.result')}</th></tr></thead>
          <tbody>
            {d.openings.slice(0, SHOWN).map((a) => (
              <tr key={`${a.at}-${a.by}-${a.result}`} data-result={a.result}>
                <td>{dateTime(a.at)}</td><td>{a.by}</td><td>{t(`doors.how.${a.how}` as MessageKey)}</td><td>{t(`doors.result.${a.result}` as MessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
