/**
 * Bitrix24 over an inbound webhook (`<portal>/rest/<user>/<key>/<method>.json`, the key
 * being the secret):
 *
 * - `search` (default): `telephony.externalCall.searchCrmEntities` with `{"PHONE_NUMBER": …}`
 *   answers `{"result": [{"CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": …, "ASSIGNED_BY_ID": …,
 *   "ASSIGNED_BY": {"ID": …, "USER_PHONE_INNER": "202", …}}, …]}`, the entities ordered by
 *   Bitrix24's own priority — "take the first" (the method's documentation). The inner
 *   phone is the extension when it is one of ours; otherwise ASSIGNED_BY_ID is mapped.
 * - `duplicates`: `crm.duplicate.findbycomm` `{"entity_type": "CONTACT", "type": "PHONE",
 *   "values": [...]}` → `{"result": {"CONTACT": [id, …]}}`, then `crm.contact.get {"id"}` →
 *   `{"result": {"ASSIGNED_BY_ID": …}}`.
 *
 * Over its limit Bitrix24 answers 503 with `{"error": "QUERY_LIMIT_EXCEEDED"}`: rate-limited.
 */
import { CrmError, type CrmResponse } from './http.js';
import type { CrmAdapter } from './source.js';

export const bitrix24Adapter: CrmAdapter<'bitrix24'> = async (cfg, number, send, isExtension) => {
  const base = `${cfg.url.replace(/\/+$/, '')}/${encodeURIComponent(cfg.token)}`;
  const call = async (method: string, body: unknown): Promise<unknown> => {
    const res = await send({ method: 'POST', url: `${base}/${method}.json`, body });
    return resultOf(res);
  };
  const phone = number.e164 ?? number.raw;
  if (cfg.method === 'search') {
    const found = await call('telephony.externalCall.searchCrmEntities', { PHONE_NUMBER: phone });
    if (!Array.isArray(found)) throw new CrmError('bad-answer', 'result is not a list');
    const first = found[0] as { ASSIGNED_BY_ID?: unknown; ASSIGNED_BY?: { USER_PHONE_INNER?: unknown } } | undefined;
    if (!first) return undefined;
    const inner = first.ASSIGNED_BY?.USER_PHONE_INNER;
    if (typeof inner === 'string' && isExtension(inner)) return { extension: inner };
    return idOf(first.ASSIGNED_BY_ID);
  }
  const dup = (await call('crm.duplicate.findbycomm', { entity_type: 'CONTACT', type: 'PHONE', values: number.variants.filter((v) => v !== number.local) })) as { CONTACT?: unknown[] } | unknown[];
  const ids = Array.isArray(dup) ? [] : dup.CONTACT ?? [];
  if (!ids.length) return undefined;
  const contact = (await call('crm.contact.get', { id: ids[0] })) as { ASSIGNED_BY_ID?: unknown } | undefined;
  return idOf(contact?.ASSIGNED_BY_ID);
};

function idOf(v: unknown): { crmUser: string } | undefined {
  return typeof v === 'number' || (typeof v === 'string' && v !== '') ? { crmUser: String(v) } : undefined;
}

function resultOf(res: CrmResponse): unknown {
  const j = res.json as { result?: unknown; error?: string } | undefined;
  if (j?.error === 'QUERY_LIMIT_EXCEEDED') throw new CrmError('rate-limited', 'QUERY_LIMIT_EXCEEDED');
  if (res.status !== 200) throw new CrmError('http', `HTTP ${res.status}${j?.error ? ` ${j.error}` : ''}`);
  if (!j || !('result' in j)) throw new CrmError('bad-answer', 'no result in the answer');
  return j.result;
}
