/** One emulated analog phone on an FXS port: handset button, keypad, what it hears, its caller-ID display and message lamp. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { usePoll } from './usePoll';

interface PhoneState { hook: 'on' | 'off'; ringing: boolean; caller_id: string | null; caller_name: string | null; mwi: boolean; hears: string; heard_digits: string }

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function hearsText(h: string): string {
  if (h.startsWith('dtmf:')) return t('sim.hears.dtmf', { key: h.slice(5) });
  if (h.startsWith('tone:')) return t('sim.hears.tone', { hz: h.slice(5) });
  return t(`sim.hears.${h}` as MessageKey);
}

export function AnalogPhone({ port, owner }: { port: number; owner: string | null }) {
  const { data, error, refresh } = usePoll<PhoneState>(`/api/sim/fxs/${port}`, 400);
  const [failed, setFailed] = useState('');
  const act = (verb: string, body: object) => api('POST', `/api/sim/fxs/${port}/${verb}`, body).then(() => (setFailed(''), refresh()), (e) => setFailed(e.message));
  const offHook = data?.hook === 'off';
  const name = t('sim.phone', { port });
  return (
    <section class="card phone" aria-label={name} data-phone={port} data-hook={data?.hook} data-hears={data?.hears} data-ringing={data?.ringing ? 'yes' : 'no'}>
      <h2>{name}{owner && <span class="muted"> · {owner}</span>}</h2>
      <p class="lcd" data-display={port}><span class="sr-only">{t('sim.display')}: </span>{data?.ringing || data?.caller_id ? [data?.caller_name, data?.caller_id].filter(Boolean).join(' ') || t('sim.ringing') : '\u00a0'}</p>
      <p role="status">{data ? (data.ringing ? t('sim.ringing') : offHook ? hearsText(data.hears) : t('sim.onHook')) : ''}{data?.mwi && ` · ${t('sim.mwi')}`}</p>
      <div class="meter" aria-hidden="true"><span style={{ width: offHook && data?.hears !== 'silence' ? '100%' : '0%' }} /></div>
      <div class="row">
        <button type="button" onClick={() => void act('hook', { state: offHook ? 'on' : 'off' })}>{offHook ? t('sim.hangUp', { port }) : t('sim.lift', { port })}</button>
        <button type="button" class="secondary" disabled={!offHook} onClick={() => void act('flash', {})}>{t('sim.flash')}</button>
      </div>
      <div class="keypad" role="group" aria-label={t('sim.keypad', { port })}>
        {KEYS.map((k) => <button key={k} type="button" class="secondary" disabled={!offHook} aria-label={t('sim.key', { key: k, port })} onClick={() => void act('dial', { digits: k })}>{k}</button>)}
      </div>
      {(error || failed) && <p class="error" role="alert">{failed || error}</p>}
    </section>
  );
}
