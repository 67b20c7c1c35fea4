/** The simulator panel (sim board only): every emulated analog phone, city line and DECT handset, to try the exchange with no hardware. */
import { t } from '../../i18n';
import { site } from '../../lib/session';
import { useStore } from '../../lib/store';
import { useConfig } from '../../lib/config';
import { AnalogPhone } from './AnalogPhone';
import { CityLine } from './CityLine';
import { DectHandsets } from './DectHandsets';

export default function Simulator() {
  const s = useStore(site);
  const { config } = useConfig();
  if (!s?.board.simulator) return <p role="alert">{t('sim.notSim')}</p>;
  const ownerOf = (port: number) => {
    const e = config?.employees.find((x) => x.devices.some((d) => d.type === 'fxs' && d.port === port));
    return e ? `${e.name} (${e.extension})` : null;
  };
  return (
    <div>
      <p class="muted">{t('sim.help')}</p>
      <h2>{t('sim.phones')}</h2>
      <div class="phones">{Array.from({ length: s.board.fxs }, (_, i) => <AnalogPhone key={i} port={i + 1} owner={ownerOf(i + 1)} />)}</div>
      <h2>{t('sim.lines')}</h2>
      <div class="phones">{Array.from({ length: s.board.fxo }, (_, i) => <CityLine key={i} port={i + 1} name={config?.lines.find((l) => l.port === i + 1)?.name ?? null} />)}</div>
      <DectHandsets />
    </div>
  );
}
