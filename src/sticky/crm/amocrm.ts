/**
 * amoCRM / Kommo (API v4): the contact list filtered by phone,
 *
 *   GET <account>/api/v4/contacts?query=<number>&limit=1
 *   Authorization: Bearer <long-lived token>
 *
 * answers 200 `{"_embedded": {"contacts": [{"id": …, "responsible_user_id": 123, …}]}}`, or
 * 204 No Content when no contact has the number (Kommo's developer documentation, "Caller
 * ID": the `query` filter of the contacts list; it matches on the number's last digits, so
 * the national significant number is sent). `responsible_user_id` is the CRM user, mapped
 * to an employee by `crm_user_id` or the adapter's `users`. 429 when over the account's
 * rate limit (7 requests a second).
 */
import { CrmError } from './http.js';
import type { CrmAdapter } from './source.js';

export const amocrmAdapter: CrmAdapter<'amocrm'> = async (cfg, number, send) => {
  const query = number.e164 ? number.e164.slice(1) : number.raw;
  const res = await send({
    method: 'GET', url: `${cfg.url.replace(/\/+$/, '')}/api/v4/contacts?query=${encodeURIComponent(query)}&limit=1`,
    headers: { authorization: `Bearer ${cfg.token}` },
  });
  if (res.status === 204 || res.status === 404) return undefined;
  if (res.status !== 200) throw new CrmError('http', `HTTP ${res.status}`);
  const contacts = (res.json as { _embedded?: { contacts?: Array<{ responsible_user_id?: unknown }> } } | undefined)?._embedded?.contacts;
  if (!Array.isArray(contacts)) throw new CrmError('bad-answer', 'no _embedded.contacts in the answer');
  const user = contacts[0]?.responsible_user_id;
  return typeof user === 'number' || (typeof user === 'string' && user !== '') ? { crmUser: String(user) } : undefined;
};
