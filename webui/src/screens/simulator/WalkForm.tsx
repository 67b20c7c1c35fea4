/**
 * A walk across the floor plan, played by the emulator (POST /api/sim/dect/handsets/{ipei}/walk):
 * the handset goes from point to point at a walking pace, measuring every base as it goes, so
 * a call in progress is handed over from base to base as a person walking would see it. The
 * path is typed ("x,y; x,y" in metres) or clicked point by point on the plan; the API's
 * refusal shows by the field, nothing typed is lost.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { NumberField, SelectField, TextField } from '../../components/Field';
import type { DectHandset } from '../dect/types';
import { parsePath } from './floor-geometry';

export interface Walk { ipei: string; path: string }

export function WalkForm({ handsets, value, onChange, onPlayed }: { handsets: DectHandset[]; value: Walk; onChange: (w: Walk) => void; onPlayed: () => void }) {
  const [speed, setSpeed] = useState<number | undefined>(1.4);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const setPath = (path: string) => onChange({ ...value, path });
  const parsed = parsePath(value.path);
  const play = (ev: Event) => {
    ev.preventDefault();
    setOk('');
    if (typeof parsed === 'string') return setError(parsed === 'empty' ? t('sim.walkEmpty') : t('sim.walkBad', { part: parsed }));
    api('POST', `/api/sim/dect/handsets/${value.ipei}/walk`, { path: parsed.map((p) => [p.x, p.y]), ...(speed !== undefined ? { speed_mps: speed } : {}) })
      .then(() => (setError(''), setOk(t('sim.walkPlaying', { ipei: value.ipei })), onPlayed()), (e: Error) => setError(e.message));
  };
  const stop = () => api<{ x: number; y: number }>('GET', `/api/sim/dect/handsets/${value.ipei}`)
    .then((h) => api('POST', `/api/sim/dect/handsets/${value.ipei}/position`, { x: h.x, y: h.y }))
    .then(() => (setError(''), setOk(t('sim.walkStopped', { ipei: value.ipei })), onPlayed()), (e: Error) => setError(e.message));
  return (
    <form onSubmit={play} noValidate aria-label={t('sim.walk')} data-walk-form>
      <h3>{t('sim.walk')}</h3>
      <div class="row">
        <SelectField label={t('sim.walkHandset')} value={value.ipei} options={handsets.map((h) => ({ value: h.ipei, label: h.extension ? `${h.ipei} (${h.extension})` : h.ipei }))}
          onChange={(ipei) => onChange({ ...value, ipei })} />
        <TextField label={t('sim.walkPath')} hint={t('sim.walkPathHint')} value={value.path} onInput={(p) => (setPath(p), setError(''))} error={error || undefined} />
        <NumberField label={t('sim.walkSpeed')} value={speed} min={0.1} max={20} onInput={setSpeed} />
      </div>
      <div class="row">
        <button type="submit">{t('sim.walkPlay')}</button>
        <button type="button" class="secondary" onClick={() => void stop()}>{t('sim.walkStop')}</button>
        <button type="button" class="secondary" onClick={() => setPath('')}>{t('sim.walkClear')}</button>
      </div>
      {ok && <p role="status">{ok}</p>}
    </form>
  );
}
