/** The DECT screen's alarms (failed handovers above 5 % in an hour, calls dropped out of range) and its handover log. */
import { t, type MessageKey } from '../../i18n';
import { dateTime } from '../../lib/time';
import type { DectAlarm, DectHandover } from './types';
import { apiWord } from './label';

/** How many of the recent handovers the screen lists, newest first. */
const SHOWN = 10;

export function Alarms({ alarms }: { alarms: DectAlarm[] }) {
  return (
    <section class="card" aria-labelledby="dect-alarms" data-alarms={alarms.length}>
      <h2 id="dect-alarms">{t('dect.alarms')}</h2>
      {alarms.length === 0
        ? <p>{t('dect.noAlarms')}</p>
        : alarms.map((a) => (
            <p key={a.kind} class="refused" role="alert" data-alarm={a.kind}>
              {t(`dect.alarm.${a.kind}` as MessageKey, { failed: a.failed ?? 0, attempts: a.attempts ?? 0, count: a.count ?? 0 })}
            </p>
          ))}
    </section>
  );
}

const rssi = (dbm: number | null): string => (dbm === null ? '' : ` (${Math.round(dbm)} dBm)`);

export function HandoverLog({ handovers }: { handovers: DectHandover[] }) {
  if (handovers.length === 0) return <p data-table="handovers">{t('dect.noHandovers')}</p>;
  return (
    <table class="list" data-table="handovers">
      <caption>{t('dect.handovers')}</caption>
      <thead><tr><th scope="col">{t('dect.when')}</th><th scope="col">{t('dect.ipei')}</th><th scope="col">{t('dect.fromTo')}</th><th scope="col">{t('dect.reason')}</th><th scope="col">{t('dect.gap')}</th><th scope="col">{t('dect.result')}</th></tr></thead>
      <tbody>
        {handovers.slice(-SHOWN).reverse().map((h) => (
          <tr key={`${h.at}-${h.ipei}-${h.to}`} data-ok={h.ok ? 'yes' : 'no'}>
            <td>{dateTime(h.at)}</td>
            <td>{h.ipei}</td>
            <td>{t('dect.baseName', { rpn: h.from })}{rssi(h.from_rssi)} → {h.to === null ? '—' : `${t('dect.baseName', { rpn: h.to })}${rssi(h.to_rssi)}`}</td>
            <td>{apiWord('dect.reason', h.reason)}</td>
            <td>{h.gap_ms === null ? '—' : `${h.gap_ms} ms`}</td>
            <td>{h.ok ? t('dect.ok') : t('dect.failed')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
