/**
 * When a call to another site falls back to its public number (apps/site-call.ts): the
 * site's silence, no connection, a 5xx or 405 do; the callee's answers (404, 480, 486, 603)
 * and a call that was ringing do not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fallbackReason } from '../../src/apps/site-call.js';

test('silence, no connection, 5xx and 405 fall back, each with its reason', () => {
  assert.is(fallbackReason({ heard: false, outcome: undefined }), 'no-answer');
  assert.is(fallbackReason({ heard: false, outcome: 'timeout' }), 'no-answer');
  assert.is(fallbackReason({ heard: false, outcome: 'unreachable' }), 'unreachable');
  assert.is(fallbackReason({ heard: true, outcome: { status: 503 } }), 'server-error');
  assert.is(fallbackReason({ heard: true, outcome: { status: 500 } }), 'server-error');
  assert.is(fallbackReason({ heard: true, outcome: { status: 405 } }), 'server-error');
});

test('the callee\'s answers are final; a call that rang and was not answered is too', () => {
  for (const status of [404, 480, 486, 600, 603, 403, 487]) assert.is(fallbackReason({ heard: true, outcome: { status } }), undefined, String(status));
  assert.is(fallbackReason({ heard: true, outcome: undefined }), undefined);
});

test.run();
