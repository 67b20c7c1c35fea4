/**
 * A fake CRM on loopback, over real HTTP, speaking the request and answer shapes of each
 * sticky adapter (src/sticky/crm/*.ts, where the vendors' documents are cited):
 *
 * - webhook:  POST /hook, `Authorization: Bearer <token>`, JSON {number, e164, national, local}
 *             → 200 {"extension"|"crm_user_id"|"email": …} or 404;
 * - amoCRM:   GET /api/v4/contacts?query=<digits>&limit=1, bearer → 200 {_embedded: {contacts: [{id, name, responsible_user_id}]}} or 204;
 * - Bitrix24: POST /rest/1/<key>/telephony.externalCall.searchCrmEntities.json {PHONE_NUMBER}
 *             → {result: [{CRM_ENTITY_TYPE, CRM_ENTITY_ID, ASSIGNED_BY_ID, ASSIGNED_BY: {ID, USER_PHONE_INNER}}]};
 *             crm.duplicate.findbycomm {entity_type, type, values} → {result: {CONTACT: [ids]}};
 *             crm.contact.get {id} → {result: {ID, ASSIGNED_BY_ID}};
 * - Megaplan: GET /api/v3/callRoute/?{"phone": "<digits>"}, bearer → {meta: {status: 200}, data: {contentType: "CallRoute", employees: [{contentType: "Employee", id}]}}.
 *
 * Contacts are matched on their last 10 digits (as amoCRM matches on the last digits).
 * Modes: `ok`; `slow` (answers after `delayMs`); `hang` (never answers); `stall-body`
 * (headers and half a body, then nothing); `fail` (500);
 * `rate-limited` (429 with Retry-After; Bitrix24: 503 QUERY_LIMIT_EXCEEDED, as it does).
 * A wrong token is 401. Every request is recorded for the tests to check its shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeContact {
  /** The number as the CRM keeps it (any form: the last 10 digits match). */
  phone: string;
  /** The responsible user's CRM id (amoCRM responsible_user_id, Bitrix24 ASSIGNED_BY_ID, Megaplan employee id). */
  user?: string;
  /** The webhook answers with this instead of a user, when set. */
  extension?: string;
  email?: string;
  /** Bitrix24: the responsible user's inner phone. */
  inner?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type FakeCrmMode = 'ok' | 'slow' | 'hang' | 'stall-body' | 'fail' | 'rate-limited';

export interface FakeCrm {
  url: string;
  token: string;
  contacts: FakeContact[];
  mode: FakeCrmMode;
  delayMs: number;
  retryAfterS: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const digits = (s: string): string => s.replace(/\D/g, '').slice(-10);

export async function startFakeCrm(token = 'crm-secret-token-1234'): Promise<FakeCrm> {
  const open = new Set<ServerResponse>();
  const crm: FakeCrm = { url: '', token, contacts: [], mode: 'ok', delayMs: 0, retryAfterS: 30, requests: [], close: async () => {} };
  const find = (phone: string): FakeContact | undefined => crm.contacts.find((c) => digits(c.phone) === digits(phone));

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    crm.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    open.add(res);
    res.on('close', () => open.delete(res));
    const bitrix = url.pathname.startsWith('/rest/');
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}): void => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(json !== undefined ? JSON.stringify(json) : undefined);
    };
    const answer = (): void => {
      if (crm.mode === 'fail') return send(500, { error: 'internal' });
      if (crm.mode === 'rate-limited') return bitrix ? send(503, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }) : send(429, { title: 'Too Many Requests' }, { 'retry-after': String(crm.retryAfterS) });
      route(url, body, req, send);
    };
    if (crm.mode === 'hang') return; // never answers: the client's deadline must end it
    if (crm.mode === 'stall-body') {
      // Headers and the start of a body, then nothing: the deadline must cover the body too.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"extension": ');
      return;
    }
    if (crm.mode === 'slow') setTimeout(answer, crm.delayMs);
    else answer();
  });

  const route = (url: URL, body: unknown, req: IncomingMessage, send: (status: number, json?: unknown) => void): void => {
    const bearer = req.headers.authorization === `Bearer ${crm.token}`;
    if (url.pathname === '/hook' && req.method === 'POST') {
      if (!bearer) return send(401, { error: 'unauthorised' });
      const b = body as { number?: string; e164?: string };
      const c = find(b.e164 ?? b.number ?? '');
      if (!c) return send(404, {});
      return send(200, c.extension ? { extension: c.extension } : c.email ? { email: c.email } : { crm_user_id: c.user });
    }
    if (url.pathname === '/api/v4/contacts' && req.method === 'GET') {
      if (!bearer) return send(401, { title: 'Unauthorized', status: 401 });
      const c = find(url.searchParams.get('query') ?? '');
      if (!c) return send(204);
      return send(200, { _page: 1, _links: {}, _embedded: { contacts: [{ id: 4242, name: 'Customer', responsible_user_id: Number(c.user), group_id: 0 }] } });
    }
    if (url.pathname === '/api/v3/callRoute/' && req.method === 'GET') {
      if (!bearer) return send(401, { meta: { status: 401 } });
      let phone = '';
      try {
        phone = (JSON.parse(decodeURIComponent(url.search.slice(1))) as { phone: string }).phone;
      } catch {
        return send(400, { meta: { status: 400 } });
      }
      const c = find(phone);
      return send(200, { meta: { status: 200, errors: [] }, data: { contentType: 'CallRoute', type: 'employee', timeout: 20, employees: c ? [{ contentType: 'Employee', id: c.user, name: 'Manager' }] : [] } });
    }
    const m = /^\/rest\/1\/([^/]+)\/([a-zA-Z.]+)\.json$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      if (m[1] !== crm.token) return send(401, { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' });
      const b = (body ?? {}) as Record<string, unknown>;
      if (m[2] === 'telephony.externalCall.searchCrmEntities') {
        const c = find(String(b.PHONE_NUMBER ?? ''));
        return send(200, { result: c ? [{ CRM_ENTITY_TYPE: 'CONTACT', CRM_ENTITY_ID: 17, ASSIGNED_BY_ID: c.user, ASSIGNED_BY: { ID: c.user, TIMEMAN_STATUS: 'OPENED', USER_PHONE_INNER: c.inner ?? '', WORK_PHONE: '' } }] : [], time: {} });
      }
      if (m[2] === 'crm.duplicate.findbycomm') {
        const values = Array.isArray(b.values) ? (b.values as string[]) : [];
        const c = values.map(find).find((x) => x);
        return send(200, { result: c ? { CONTACT: [17] } : [], time: {} });
      }
      if (m[2] === 'crm.contact.get') {
        const c = crm.contacts.find((x) => x.user !== undefined);
        return send(200, b.id === 17 && c ? { result: { ID: '17', ASSIGNED_BY_ID: c.user } } : { error: 'Not found' });
      }
      return send(404, { error: 'ERROR_METHOD_NOT_FOUND' });
    }
    send(404, { error: 'no such endpoint' });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  crm.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  crm.close = () => new Promise<void>((resolve) => {
    for (const r of open) r.destroy();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return crm;
}
