/**
 * esbuild plugin for the firmware bundle (tsup.config.ts): keeps code the exchange never runs
 * out of the main thread's memory (docs/PERFORMANCE.md, Memory).
 *
 * - Absent packages: fastify requires its JSON-schema compilers (ajv, fast-json-stringify and
 *   what they pull in) only when no compiler factory is given, and light-my-request only for
 *   `fastify.inject()`. src/api/server.ts gives factories and the firmware never injects, so
 *   these requires never run — but esbuild bundles whatever is required anywhere, and every
 *   bundled byte is part of the one source string V8 keeps on the heap. They are replaced by a
 *   module whose export throws a clear error if it is ever called.
 * - Lazy node built-ins: fastify's server.js requires node:http2 and node:https at the top,
 *   for servers the exchange never creates (HTTP/2, HTTPS), and ws's websocket.js requires
 *   node:https and node:tls for client connections to wss:// that it never opens. Loading a
 *   built-in compiles it and touches its source and code cache in node's binary: http2 alone
 *   is ~1.5 MiB RSS. The requires become getters that load the module on first use.
 *
 * Each rewrite names the exact text it replaces and fails the build when it is not found, so a
 * dependency upgrade cannot silently keep the module or break the server.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

/** Packages the firmware never loads at run time (see above). */
export const ABSENT = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];

/** A lazy stand-in for `require(id)`: an object whose properties load the module when first read. */
const lazy = (name: string, id: string, props: string[]): string =>
  `let ${name}$m; const ${name} = { ${props.map((p) => `get ${p}() { return (${name}$m ??= require('${id}')).${p}; }`).join(', ')} };`;

/** File (path suffix inside node_modules) → exact text → its replacement. */
const REWRITES: Record<string, Array<[string, string]>> = {
  'fastify/lib/server.js': [
    ["const https = require('node:https')", lazy('https', 'node:https', ['createServer'])],
    ["const http2 = require('node:http2')", lazy('http2', 'node:http2', ['createServer', 'createSecureServer'])],
  ],
  'ws/lib/websocket.js': [
    ["const https = require('https');", lazy('https', 'https', ['request'])],
    ["const tls = require('tls');", lazy('tls', 'tls', ['connect'])],
  ],
};

export function trimPlugin(): Plugin {
  const absent = new RegExp(`^(${ABSENT.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
  const files = new RegExp(`node_modules/(${Object.keys(REWRITES).map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'autocom-trim',
    setup(build) {
      build.onResolve({ filter: absent }, (args) => ({ path: args.path, namespace: 'autocom-absent' }));
      build.onLoad({ filter: /.*/, namespace: 'autocom-absent' }, (args) => ({
        contents: `module.exports = function absent() { throw new Error(${JSON.stringify(`${args.path} is not part of the firmware build (scripts/build-trim.ts)`)}); };`,
        loader: 'js',
      }));
      build.onLoad({ filter: files }, (args) => {
        const key = Object.keys(REWRITES).find((k) => args.path.endsWith(`node_modules/${k}`))!;
        let text = readFileSync(args.path, 'utf8');
        for (const [from, to] of REWRITES[key]!) {
          if (!text.includes(from)) throw new Error(`scripts/build-trim.ts: "${from}" not found in ${args.path} (did the package change?)`);
          text = text.replace(from, to);
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}
