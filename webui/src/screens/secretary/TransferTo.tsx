/**
 * "Transfer to…" on a held caller: any number the secretary types (a colleague, a
 * department, an outside number under the secretary's barring), for when the caller should
 * go somewhere other than the director or a listed deputy. The exchange validates the
 * number (POST …/transfer answers 400 with why); the console shows its message.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { TextField } from '../../components/Field';
import type { WaitingCaller } from './types';

export function TransferTo({ w, onTransfer }: { w: WaitingCaller; onTransfer: (to: string) => void }) {
  const [to, setTo] = useState('');
  return (
    <form class="row" data-form={`transfer-${w.call}`} onSubmit={(e) => { e.preventDefault(); if (to.trim()) onTransfer(to.trim()); }}>
      <TextField label={t('sec.transferOther', { caller: w.caller.number })} value={to} onInput={setTo} inputMode="tel" autocomplete="off" />
      <button type="submit" class="secondary">{t('sec.transfer')}<span class="sr-only"> {w.caller.number}</span></button>
    </form>
  );
}
