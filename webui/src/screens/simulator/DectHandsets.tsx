/** The simulator's DECT part: every subscribed handset of GET /api/dect (none on a board without DECT), each movable on the floor plan. */
import { t } from '../../i18n';
import { useLive } from '../../lib/useLive';
import { DectHandset } from './DectHandset';

interface View { handsets: Array<{ ipei: string; extension: string | null; name: string | null }> }

export function DectHandsets() {
  const { data } = useLive<View>('/api/dect', (type) => type === 'dect.handset');
  if (!data || data.handsets.length === 0) return null;
  return (
    <>
      <h2>{t('sim.dect')}</h2>
      <div class="phones">
        {data.handsets.map((h) => <DectHandset key={h.ipei} ipei={h.ipei} owner={h.extension ? `${h.name ?? ''} (${h.extension})`.trim() : null} />)}
      </div>
    </>
  );
}
