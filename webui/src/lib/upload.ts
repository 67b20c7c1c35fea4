/** Sends a file as the request's body (a WAV to PUT /api/prompts/:lang/:id), with the API's message on failure as api.ts does. */
import { ApiError } from './api';

export async function uploadFile<T = unknown>(method: 'PUT' | 'POST', path: string, file: Blob, type: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers: { 'content-type': type }, body: file });
  } catch {
    throw new ApiError(0, 'the exchange does not answer');
  }
  const text = await res.text();
  const data = (text ? (() => { try { return JSON.parse(text) as unknown; } catch { return {}; } })() : undefined) as { error?: string } | undefined;
  if (!res.ok) throw new ApiError(res.status, data?.error ?? `error ${res.status}`);
  return data as T;
}
