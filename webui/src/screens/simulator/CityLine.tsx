/** One emulated city line on an FXO port: ring the exchange with a caller ID, answer a call it makes, hang up. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { TextField } from '../../components/Field';
import { usePoll } from './usePoll';
import { hearsText } from './AnalogPhone';

interface LineState { seized: boolean; ringing: boolean; dialled: string; hears: string }

export function CityLine({ port, name }: { port: number; name: string | null }) {
  const { data, error, refresh } = usePoll<LineState>(`/api/sim/fxo/${port}`, 500);
  const [callerId, setCallerId] = useState('0612345678');
  const [callerName, setCallerName] = useState('');
  const [failed, setFailed] = useState('');
  const act = (verb: string, body: object) => api('POST', `/api/sim/fxo/${port}/${verb}`, body).then(() => (setFailed(''), refresh()), (e) => setFailed(e.message));
  const title = t('sim.line', { port });
  return (
    <section class="card cityline" aria-label={title} data-line={port} data-seized={data?.seized ? 'yes' : 'no'}>
      <h2>{title}{name && <span class="muted"> · {name}</span>}</h2>
      <p role="status">{data ? (data.seized ? `${t('sim.seized')}${data.dialled ? ` · ${t('sim.dialled', { digits: data.dialled })}` : ''} · ${hearsText(data.hears)}` : data.ringing ? t('sim.lineRinging') : t('sim.lineIdle')) : ''}</p>
      <TextField label={t('sim.callerId', { port })} inputMode="tel" value={callerId} onInput={setCallerId} />
      <TextField label={t('sim.callerName', { port })} value={callerName} onInput={setCallerName} />
      <div class="row">
        <button type="button" onClick={() => void act('ring', { ...(callerId ? { caller_id: callerId } : {}), ...(callerName ? { name: callerName } : {}) })}>{t('sim.ring', { port })}</button>
        <button type="button" class="secondary" onClick={() => void act('answer', {})}>{t('sim.answer')}</button>
        <button type="button" class="secondary" onClick={() => void act('hangup', {})}>{t('sim.lineHangup')}</button>
      </div>
      {(error || failed) && <p class="error" role="alert">{failed || error}</p>}
    </section>
  );
}
