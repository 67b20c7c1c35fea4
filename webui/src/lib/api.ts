/**
 * The page's only back end: the exchange's API on the same origin (the session cookie goes
 * along). Every failure is an ApiError with the API's own message and, for a rejected
 * configuration, its issues (`path` like `employees[3].name`) so forms show them by the field.
 */
import { createStore } from './store';

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, message: string, readonly issues: Issue[] = []) {
    super(message);
  }
}

/** Set when the API answers 401 to a signed-in page (the session ended elsewhere). */
export const sessionLost = createStore(0);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function request(method: Method, path: string, body?: unknown, opts: { yaml?: boolean; accept?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = opts.yaml ? 'application/yaml' : 'application/json';
  if (opts.accept) headers.accept = opts.accept;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(body !== undefined ? { body: opts.yaml ? String(body) : JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'the exchange does not answer');
  }
  if (res.ok) return res;
  const data = (await res.json().catch(() => ({}))) as { error?: string; issues?: Issue[]; errors?: string[] };
  if (res.status === 401 && path !== '/api/login' && path !== '/api/me') sessionLost.set(sessionLost.get() + 1);
  const issues = Array.isArray(data.issues) ? data.issues.map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? '') })) : [];
  throw new ApiError(res.status, data.error ?? `error ${res.status}`, issues);
}

export async function api<T = unknown>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The issues under `prefix` (e.g. `employees[3]`), keyed by the rest of their path (`name`, `devices[0].port`). */
export function issuesUnder(issues: Issue[], prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    if (i.path === prefix) out[''] = i.message;
    else if (i.path.startsWith(`${prefix}.`)) out[i.path.slice(prefix.length + 1)] ??= i.message;
  }
  return out;
}
