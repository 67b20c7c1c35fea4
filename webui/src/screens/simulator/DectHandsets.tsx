/**
 * The simulator's DECT part: the floor plan with the bases and the handsets to drag across it,
 * and every subscribed handset of GET /api/dect (none on a board without DECT) as a card with
 * its keys and display. Every dect.* event reads the view again: a handover moves the call's base.
 */
import { t } from '../../i18n';
import { useLive } from '../../lib/useLive';
import type { DectView } from '../dect/types';
import { DectHandset } from './DectHandset';
import { FloorPlan } from './FloorPlan';

export function DectHandsets() {
  const { data } = useLive<DectView>('/api/dect', (type) => type.startsWith('dect.'));
  if (!data || data.handsets.length === 0) return null;
  return (
    <>
      <h2>{t('sim.dect')}</h2>
      <FloorPlan view={data} />
      <div class="phones">
        {data.handsets.map((h) => <DectHandset key={h.ipei} ipei={h.ipei} owner={h.extension ? `${h.name ?? ''} (${h.extension})`.trim() : null} />)}
      </div>
    </>
  );
}
