/**
 * The configuration of the sticky manager (intelligent contact manager, issue 14,
 * src/sticky/README.md): a known caller rings the employee responsible for them first.
 * Where that employee is found (the exchange's own call records, CRMs over HTTP, in the
 * order of `sources`), how numbers are normalised (`city_prefix`), who is never a sticky
 * target (`exceptions`), how long the manager rings (`ring_s`) before the call returns to
 * the department it came through. Shapes only; cross-references are in sticky-validate.ts.
 *
 * A department opts in with `sticky: true` (departmentSchema); the CRM's users map to
 * employees by the employee's `crm_user_id` or `email`, or the adapter's `users` table.
 */
import * as z from 'zod';

const extension = z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be an extension (2 to 6 digits, not starting with 0)');
const adapterName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a short name like "amo" (lower case, digits, - and _)');

/** A CRM's API secret: sent as the adapter's protocol wants it, never logged. */
const token = z.string().min(8, 'must be at least 8 characters (a CRM token is guessable otherwise)').max(512);

const crmCommon = {
  name: adapterName,
  /** Switched off without removing it from the file. */
  enabled: z.boolean().default(true),
  /** A hard limit on the whole request (connect, send, answer): the caller never waits longer for this CRM. */
  timeout_ms: z.number().int().min(100).max(5000).default(1500),
  /** Consecutive failures (timeout, error, 429) after which the CRM is skipped for `cooldown_s` (circuit breaker). */
  failures_to_open: z.number().int().min(1).max(100).default(3),
  cooldown_s: z.number().int().min(1).max(3600).default(30),
  /** CRM user id (or e-mail) → extension, for users whose employee has no `crm_user_id` / `email`. */
  users: z.record(z.string().min(1).max(128), extension).optional(),
};

const httpUrl = z.string().url('must be a URL like "https://crm.example.com/hook"').refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL');

/** The generic webhook contract (src/sticky/crm/webhook.ts): POST {number, e164, local}, bearer token. */
export const webhookAdapterSchema = z.object({ type: z.literal('webhook'), url: httpUrl, token, ...crmCommon }).strict();

/** amoCRM / Kommo: GET {url}/api/v4/contacts?query=<number> with a long-lived token; `responsible_user_id`. */
export const amocrmAdapterSchema = z.object({
  type: z.literal('amocrm'),
  /** The account's base URL: `https://example.amocrm.ru` or `https://example.kommo.com`. */
  url: httpUrl,
  token,
  ...crmCommon,
}).strict();

/** Bitrix24: the inbound webhook URL (`https://example.bitrix24.ru/rest/1/<key>/`), whose key is the secret. */
export const bitrix24AdapterSchema = z.object({
  type: z.literal('bitrix24'),
  /** The inbound webhook's base URL without its secret key. */
  url: httpUrl,
  /** The webhook's key (the last part of the inbound webhook URL). */
  token,
  /** `search` (telephony.externalCall.searchCrmEntities) or `duplicates` (crm.duplicate.findbycomm). */
  method: z.enum(['search', 'duplicates']).default('search'),
  ...crmCommon,
}).strict();

/** Megaplan: the `callRoute` request of its telephony API. */
export const megaplanAdapterSchema = z.object({ type: z.literal('megaplan'), url: httpUrl, token, ...crmCommon }).strict();

export const crmAdapterSchema = z.discriminatedUnion('type', [webhookAdapterSchema, amocrmAdapterSchema, bitrix24AdapterSchema, megaplanAdapterSchema]);

/** One source in the order they are asked: `history` (the call records) or a CRM adapter's name. */
const sourceEntry = z.union([
  adapterName,
  z.object({ name: adapterName, enabled: z.boolean().default(true) }).strict(),
]);

/** Where a caller nobody is responsible for goes (absent: the department the call came through). */
const defaultDestination = z.object({
  type: z.enum(['employee', 'department', 'voicemail']),
  target: extension,
}).strict();

export const stickySchema = z.object({
  /** Sources in the order they are asked; the first that names an employee wins. */
  sources: z.array(sourceEntry).default(['history']),
  /** The call records: calls within this many days count. */
  look_back_days: z.number().int().min(1).max(3650).default(90),
  /** The call records: only talks at least this long (a wrong number is no relationship). */
  min_talk_s: z.number().int().min(0).max(3600).default(10),
  /** The call records: an employee's own outside calls to the number count as well. */
  include_outgoing: z.boolean().default(false),
  crm: z.array(crmAdapterSchema).default([]),
  /** The area code of the site (495 Moscow, 812 Saint Petersburg): local numbers without it get it before lookup. */
  city_prefix: z.string().regex(/^[1-9][0-9]{1,4}$/, 'must be an area code like "495" (digits, no trunk prefix)').optional(),
  /** Employees never used as sticky targets (the director who once spoke to a customer). */
  exceptions: z.array(extension).default([]),
  /** strict: ring only the manager's own phones; loose: also follow their forwarding (to a mobile). */
  mode: z.enum(['strict', 'loose']).default('strict'),
  /** How long the manager rings before the call goes on to the department. */
  ring_s: z.number().int().min(3).max(120).default(15),
  default_destination: defaultDestination.optional(),
  /** Seconds a found manager and a not-found answer are remembered per number. */
  cache: z.object({
    found_ttl_s: z.number().int().min(0).max(86_400).default(300),
    not_found_ttl_s: z.number().int().min(0).max(86_400).default(60),
  }).strict().default({ found_ttl_s: 300, not_found_ttl_s: 60 }),
}).strict();

export type StickyConfig = z.output<typeof stickySchema>;
export type CrmAdapterConfig = z.output<typeof crmAdapterSchema>;

/** The employee keys the CRM adapters map users with. */
export const stickyEmployeeKeys = {
  /** This employee's user id in the CRM (amoCRM `responsible_user_id`, Bitrix24 `ASSIGNED_BY_ID`…). */
  crm_user_id: z.string().min(1).max(128).optional(),
  /** This employee's e-mail (a CRM that answers with the responsible user's e-mail). */
  email: z.string().email('must be an e-mail address').max(254).optional(),
};

/** The department key that turns sticky routing on for calls through it. */
export const stickyDepartmentKeys = {
  /** A caller with a responsible employee rings them first for `sticky.ring_s`, then the department. */
  sticky: z.boolean().optional(),
};
