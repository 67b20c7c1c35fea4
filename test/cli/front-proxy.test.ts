/** `--front-proxy` (and AUTOCOM_FRONT_PROXY) is checked before anything starts: an IPv4 address, never a header. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAutocom } from '../helpers/process.js';

test('--front-proxy must be an IPv4 address with an optional port: anything else is a usage error', () => {
  const r = runAutocom(['start', '--front-proxy', 'evil.example\r\nX-Injected: 1']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--front-proxy must be an IPv4 address/);
});

test('AUTOCOM_FRONT_PROXY is checked the same way', () => {
  const r = runAutocom(['start'], { AUTOCOM_FRONT_PROXY: '192.0.2.10:99999' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--front-proxy must be an IPv4 address/);
});

test.run();
