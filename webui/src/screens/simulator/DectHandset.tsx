/**
 * One emulated DECT handset (issue 16) on the sim board's floor plan: where it is, which base
 * it is located at, and fields to move it elsewhere (POST /api/sim/dect/handsets/{ipei}/position):
 * the emulator's radio model then has it locate at the base it hears best. Its "talk"/"end"
 * key, its keypad (R is the register recall) and its display (the caller, what it hears).
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { NumberField } from '../../components/Field';
import { usePoll } from './usePoll';

interface HandsetState { x: number; y: number; located: number | null; hook: 'on' | 'off'; ringing: boolean; caller: { cli: string; name: string } | null; heard: { hz: number; level_dbfs: number } }

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#', 'R'];

export function DectHandset({ ipei, owner }: { ipei: string; owner: string | null }) {
  const { data, error, refresh } = usePoll<HandsetState>(`/api/sim/dect/handsets/${ipei}`, 500);
  const [x, setX] = useState<number | undefined>(undefined);
  const [y, setY] = useState<number | undefined>(undefined);
  const [failed, setFailed] = useState('');
  const move = () =>
    api('POST', `/api/sim/dect/handsets/${ipei}/position`, { x: x ?? data?.x ?? 0, y: y ?? data?.y ?? 0 }).then(() => (setFailed(''), refresh()), (e: Error) => setFailed(e.message));
  const act = (verb: string, body: object) => api('POST', `/api/sim/dect/handsets/${ipei}/${verb}`, body).then(() => (setFailed(''), refresh()), (e: Error) => setFailed(e.message));
  const title = t('sim.dectHandset', { ipei });
  const offHook = data?.hook === 'off';
  const hears = offHook && data && data.heard.level_dbfs > -60 ? t('sim.hears.tone', { hz: data.heard.hz }) : t('sim.hears.silence');
  return (
    <section class="card phone" aria-label={title} data-dect-handset={ipei} data-located={data?.located ?? 'none'} data-hook={data?.hook} data-ringing={data?.ringing ? 'yes' : 'no'}>
      <h2>{title}{owner && <span class="muted"> · {owner}</span>}</h2>
      <p class="lcd"><span class="sr-only">{t('sim.display')}: </span>{data?.caller ? [data.caller.name, data.caller.cli].filter(Boolean).join(' ') : '\u00a0'}</p>
      <p role="status">{data ? `${t('sim.dectAt', { x: Math.round(data.x), y: Math.round(data.y), base: data.located ?? t('dect.noBase') })} · ${data.ringing ? t('sim.ringing') : offHook ? hears : t('sim.onHook')}` : ''}</p>
      <div class="row">
        <button type="button" onClick={() => void act('hook', { state: offHook ? 'on' : 'off' })}>{offHook ? t('sim.dectEnd', { ipei }) : t('sim.dectTalk', { ipei })}</button>
      </div>
      <div class="keypad" role="group" aria-label={t('sim.dectKeypad', { ipei })}>
        {KEYS.map((k) => <button key={k} type="button" class="secondary" disabled={!offHook} aria-label={t('sim.dectKey', { key: k, ipei })} onClick={() => void act('dial', { digits: k })}>{k}</button>)}
      </div>
      <div class="row">
        <NumberField label={t('sim.dectX', { ipei })} value={x ?? (data ? Math.round(data.x) : undefined)} min={-1000} max={1000} onInput={setX} />
        <NumberField label={t('sim.dectY', { ipei })} value={y ?? (data ? Math.round(data.y) : undefined)} min={-1000} max={1000} onInput={setY} />
        <button type="button" onClick={() => void move()}>{t('sim.dectMove', { ipei })}</button>
      </div>
      {(error || failed) && <p class="error" role="alert">{failed || error}</p>}
    </section>
  );
}
