/** Call history (/api/cdr): filters, pages of 50, CSV of the same filters; an employee sees their own calls (the API decides). */
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { api } from '../../lib/api';
import { dateTime, duration } from '../../lib/time';
import { FormMessage, SelectField, TextField } from '../../components/Field';

interface Cdr { id: number; startedAt: string | number; caller: { number?: string; name?: string }; dialled: string; answeredBy: string | null; talkSeconds: number; disposition: string; outsideLine: string | null }
interface Page { total: number; records: Cdr[] }
const DISPOSITIONS = ['', 'answered', 'busy', 'no-answer', 'cancelled', 'barred', 'failed', 'transferred'];
const PAGE = 50;

export default function History() {
  const [f, setF] = useState({ from: '', to: '', extension: '', number: '', disposition: '' });
  const [applied, setApplied] = useState(f);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState('');
  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams(extra);
    for (const [k, v] of Object.entries(applied)) if (v) q.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
    return q.toString();
  };
  useEffect(() => {
    api<Page>('GET', `/api/cdr?${query({ limit: String(PAGE), offset: String(offset) })}`).then((p) => (setPage(p), setError('')), (e) => setError(e.message));
  }, [applied, offset]);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  return (
    <div>
      <form class="card" onSubmit={(e) => (e.preventDefault(), setOffset(0), setApplied(f))} aria-label={t('hist.filters')}>
        <div class="grid">
          <TextField label={t('hist.from')} type="datetime-local" value={f.from} onInput={set('from')} />
          <TextField label={t('hist.to')} type="datetime-local" value={f.to} onInput={set('to')} />
          <TextField label={t('hist.extension')} inputMode="numeric" value={f.extension} onInput={set('extension')} />
          <TextField label={t('hist.number')} inputMode="tel" value={f.number} onInput={set('number')} />
          <SelectField label={t('hist.disposition')} value={f.disposition} onChange={set('disposition')}
            options={DISPOSITIONS.map((d) => ({ value: d, label: d ? t(`disp.${d}` as MessageKey) : t('hist.any') }))} />
        </div>
        <div class="row">
          <button type="submit">{t('hist.apply')}</button>
          <a class="button" href={`/api/cdr?${query({ format: 'csv', limit: '1000' })}`} download="calls.csv">{t('hist.csv')}</a>
        </div>
      </form>
      <FormMessage error={error} />
      {page && (
        <>
          <p role="status">{t('hist.count', { total: page.total })}</p>
          <table class="list" data-table="cdr">
            <caption class="sr-only">{t('nav.history')}</caption>
            <thead><tr><th scope="col">{t('hist.when')}</th><th scope="col">{t('hist.caller')}</th><th scope="col">{t('hist.dialled')}</th><th scope="col">{t('hist.answeredBy')}</th><th scope="col">{t('hist.talk')}</th><th scope="col">{t('hist.disposition')}</th></tr></thead>
            <tbody>
              {page.records.map((r) => (
                <tr key={r.id}>
                  <td>{dateTime(r.startedAt)}</td><td>{[r.caller.name, r.caller.number].filter(Boolean).join(' ')}</td><td>{r.dialled}</td>
                  <td>{r.answeredBy ?? ''}</td><td>{duration(r.talkSeconds)}</td><td>{t(`disp.${r.disposition}` as MessageKey)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row">
            <button type="button" class="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('hist.newer')}</button>
            <button type="button" class="secondary" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>{t('hist.older')}</button>
          </div>
        </>
      )}
    </div>
  );
}
