/**
 * The generic webhook contract, for a CRM (or a script in front of one) that speaks none
 * of the built-in protocols:
 *
 *   POST <url>
 *   Authorization: Bearer <token>
 *   Content-Type: application/json
 *   {"number": "1234567", "e164": "+74951234567", "national": "84951234567", "local": "1234567", "call": "call-12"}
 *
 * `number` is what the line presented; the other forms are absent when the number could not
 * be placed in the numbering plan. The answer, 200 with JSON naming the responsible employee
 * by one of `extension`, `crm_user_id` (or `user_id`) or `email`; 404, 204 or `{}` when
 * nobody is. Anything else is a failure (the call goes on without it).
 */
import type { SourceAnswer } from '../types.js';
import { CrmError, type CrmResponse } from './http.js';
import type { CrmAdapter } from './source.js';

export const webhookAdapter: CrmAdapter<'webhook'> = async (cfg, number, send) => {
  const res = await send({
    method: 'POST', url: cfg.url, headers: { authorization: `Bearer ${cfg.token}` },
    body: { number: number.raw, ...(number.e164 ? { e164: number.e164 } : {}), ...(number.national ? { national: number.national } : {}), ...(number.local ? { local: number.local } : {}), ...(number.call ? { call: number.call } : {}) },
  });
  return answerOf(res);
};

function answerOf(res: CrmResponse): SourceAnswer {
  if (res.status === 404 || res.status === 204) return undefined;
  if (res.status !== 200) throw new CrmError('http', `HTTP ${res.status}`);
  const j = (res.json ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
  const extension = str(j.extension);
  if (extension) return { extension };
  const user = str(j.crm_user_id) ?? str(j.user_id);
  if (user) return { crmUser: user };
  const email = str(j.email);
  return email ? { email } : undefined;
}
