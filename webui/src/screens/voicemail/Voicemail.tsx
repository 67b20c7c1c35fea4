/** Voicemail: an employee's own box (/api/me/voicemail), or any box for an admin; play in the browser, mark heard or new, delete. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import { me } from '../../lib/session';
import { useStore } from '../../lib/store';
import { useConfig } from '../../lib/config';
import { dateTime, duration } from '../../lib/time';
import { useLive } from '../../lib/useLive';
import { FormMessage, SelectField } from '../../components/Field';

interface Message { id: number; caller_number: string | null; caller_name: string | null; received_at: string | number; duration_ms: number; heard: boolean }
interface Box { box: string; unheard: number; heard: number; messages: Message[] }

function BoxPicker({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { config } = useConfig();
  const boxes = (config?.employees ?? []).filter((e) => e.voicemail);
  return <SelectField label={t('vm.box')} value={value} onChange={onChange} options={[{ value: '', label: t('vm.mine') }, ...boxes.map((e) => ({ value: e.extension, label: `${e.name} (${e.extension})` }))]} />;
}

export default function Voicemail() {
  const who = useStore(me);
  const [box, setBox] = useState('');
  const base = box ? `/api/voicemail/${box}` : '/api/me/voicemail';
  const { data, error, reload } = useLive<Box>(base, (type) => type === 'voicemail.changed');
  const [failed, setFailed] = useState('');
  const act = (p: Promise<unknown>) => p.then(() => (setFailed(''), reload()), (e) => setFailed(e.message));
  return (
    <div>
      {who?.role === 'admin' && <BoxPicker value={box} onChange={setBox} />}
      <FormMessage error={failed || error} />
      {data && <p role="status">{t('vm.counts', { unheard: data.unheard, heard: data.heard })}</p>}
      {data && data.messages.length === 0 && <p>{t('vm.empty')}</p>}
      <ul class="messages">
        {data?.messages.map((m) => {
          const from = [m.caller_name, m.caller_number].filter(Boolean).join(' ') || t('vm.unknown');
          return (
            <li key={m.id} class="card" data-message={m.id}>
              <h2>{m.heard ? '' : `${t('vm.new')} · `}{from}</h2>
              <p>{dateTime(m.received_at)} · {duration(m.duration_ms / 1000)}</p>
              <audio controls preload="none" src={`${base}/${m.id}/audio`} aria-label={t('vm.play', { from })} onPlay={() => !m.heard && void act(api('PUT', `${base}/${m.id}`, { heard: true }))} />
              <div class="row">
                <button type="button" class="secondary" onClick={() => void act(api('PUT', `${base}/${m.id}`, { heard: !m.heard }))}>{m.heard ? t('vm.markNew') : t('vm.markHeard')}</button>
                <button type="button" class="danger" onClick={() => confirm(t('vm.confirmDelete', { from })) && void act(api('DELETE', `${base}/${m.id}`))}>{t('form.delete')}</button>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
