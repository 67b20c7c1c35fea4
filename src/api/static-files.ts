/**
 * The built web UI's files at `/`: what @fastify/static did for us, in the few lines this page
 * needs, because that plugin brings glob, send, mime and their dependencies into the
 * exchange's memory for a folder of a dozen files (docs/PERFORMANCE.md, Memory).
 *
 * - Only files under `root` are served: the path is decoded once, must be relative, and may
 *   hold no `..`, no hidden segment, no backslash and no NUL; anything else is fastify's
 *   plain 404, as for a file that is not there.
 * - A precompressed sibling (`.br`, then `.gz`) is sent when the browser accepts it (the
 *   build writes them: scripts/webui.ts), with `Vary: Accept-Encoding`.
 * - Vite names each asset by its content's hash, so `assets/*` may be cached for good;
 *   everything else (index.html) is revalidated every time, by a weak ETag of size and
 *   modification time (304 when it still matches).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { extname, join, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file under `root` for a URL path, or undefined when the path may not name one. */
export function fileFor(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?', 1)[0]!);
  } catch {
    return undefined; // a malformed escape
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return undefined;
  return parts.length === 0 ? join(root, 'index.html') : join(root, ...parts);
}

function fileStats(path: string): Stats | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

/** The content codings an Accept-Encoding header accepts (q > 0), lower-case. */
function accepted(header: string): Set<string> {
  const out = new Set<string>();
  for (const item of header.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) <= 0)) out.add(name);
  }
  return out;
}

/** The encoded sibling to send for what the browser accepts, if the build made one. */
function encodedSibling(file: string, header: string): { path: string; stats: Stats; encoding: string } | undefined {
  const ok = accepted(header);
  for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']] as const) {
    if (!ok.has(encoding)) continue;
    const stats = fileStats(file + suffix);
    if (stats) return { path: file + suffix, stats, encoding };
  }
  return undefined;
}

/** Serves `root` at `/` (GET and HEAD) in `app`; API routes, being static paths, still win. */
export function serveStaticFiles(app: FastifyInstance, root: string): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    const file = fileFor(root, req.url);
    const stats = file ? fileStats(file) : undefined;
    if (!file || !stats) return reply.callNotFound(); // fastify's own 404, as for any unknown route
    const rel = file.slice(root.length + 1).split(sep).join('/');
    reply.type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('vary', 'accept-encoding');
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    reply.header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    const encoded = encodedSibling(file, String(req.headers['accept-encoding'] ?? ''));
    const sent = encoded ?? { path: file, stats, encoding: undefined };
    if (sent.encoding) reply.header('content-encoding', sent.encoding);
    reply.header('content-length', sent.stats.size);
    if (req.method === 'HEAD') return reply.send();
    return reply.send(createReadStream(sent.path));
  };
  app.get('/*', { config: { role: 'public' } }, handler);
}
