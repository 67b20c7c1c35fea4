/**
 * One HTTP request to a CRM with a hard deadline: connect, send and the whole answer must
 * fit in `timeoutMs` (measured on the injected clock), or the request is aborted
 * (AbortController) and the caller goes on. A hang-up aborts it too. Node's fetch (undici)
 * carries it; nothing here logs the URL's secret parts or a header (see `redact`).
 */
import type { Clock } from '../../../common/clock.js';

/** Why a CRM gave no answer; `rate-limited` carries the wait the CRM asked for. */
export class CrmError extends Error {
  override readonly name = 'CrmError';
  constructor(readonly kind: 'timeout' | 'rate-limited' | 'http' | 'network' | 'bad-answer' | 'cancelled', message: string, readonly retryAfterS?: number) {
    super(message);
  }
}

export interface CrmRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What came back: the status and the parsed JSON (undefined for an empty body, 204). */
export interface CrmResponse {
  status: number;
  json: unknown;
}

/** Largest answer read: a CRM that streams megabytes is not a routing answer. */
const MAX_BODY_BYTES = 256 * 1024;

export async function crmRequest(clock: Clock, req: CrmRequest): Promise<CrmResponse> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, req.timeoutMs);
  const onCancel = (): void => abort.abort();
  if (req.signal?.aborted) abort.abort();
  req.signal?.addEventListener('abort', onCancel, { once: true });
  const failed = (err: unknown): CrmError => {
    if (timedOut) return new CrmError('timeout', `no answer within ${req.timeoutMs} ms`);
    if (req.signal?.aborted) return new CrmError('cancelled', 'the call ended');
    return err instanceof CrmError ? err : new CrmError('network', (err as Error).message ?? String(err));
  };
  try {
    // The deadline covers the body too: a CRM that sends headers and then stalls is as slow as one that never answers.
    const work = (async () => {
      const res = await fetch(req.url, {
        method: req.method,
        headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: abort.signal,
        redirect: 'error',
      });
      const text = await readBody(res);
      if (res.status === 429) throw new CrmError('rate-limited', 'HTTP 429 Too Many Requests', retryAfter(res.headers.get('retry-after')));
      let json: unknown;
      if (text.trim() !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          throw new CrmError('bad-answer', `HTTP ${res.status} with a body that is not JSON`);
        }
      }
      return { status: res.status, json };
    })();
    const cancelled = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    return await Promise.race([work, cancelled]);
  } catch (err) {
    throw failed(err);
  } finally {
    clock.clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCancel);
  }
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new CrmError('bad-answer', `the answer is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Retry-After in seconds (RFC 9110 §10.2.3: seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** A URL as it may be logged: scheme, host and port only (Bitrix24 keeps its key in the path). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid URL)';
  }
}
