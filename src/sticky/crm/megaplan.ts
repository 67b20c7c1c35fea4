/**
 * Megaplan (API v3, telephony): the call route, "smart transfer to the responsible",
 *
 *   GET <account>/api/v3/callRoute/?{"phone":"79991231212"}
 *   Authorization: Bearer <token>
 *
 * answers `{"meta": {…}, "data": {"contentType": "CallRoute", "type": …, "timeout": …,
 * "employees": [{"contentType": "Employee", "id": "1000005", …}]}}` (dev.megaplan.ru, "API
 * телефонии", callRoute). The first employee's `id` is the CRM user; an empty list is nobody.
 */
import { CrmError } from './http.js';
import type { CrmAdapter } from './source.js';

export const megaplanAdapter: CrmAdapter<'megaplan'> = async (cfg, number, send) => {
  const phone = number.e164 ? number.e164.slice(1) : number.raw;
  const res = await send({
    method: 'GET', url: `${cfg.url.replace(/\/+$/, '')}/api/v3/callRoute/?${encodeURIComponent(JSON.stringify({ phone }))}`,
    headers: { authorization: `Bearer ${cfg.token}` },
  });
  if (res.status === 404 || res.status === 204) return undefined;
  if (res.status !== 200) throw new CrmError('http', `HTTP ${res.status}`);
  const data = (res.json as { data?: { employees?: unknown } } | undefined)?.data;
  if (!data) throw new CrmError('bad-answer', 'no data in the answer');
  const employees = Array.isArray(data.employees) ? data.employees : data.employees ? [data.employees] : [];
  const id = (employees[0] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? { crmUser: String(id) } : undefined;
};
