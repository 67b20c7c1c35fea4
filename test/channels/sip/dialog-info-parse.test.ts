/**
 * Reading another site's dialog-info document back into a lamp (network/remote-lamps.ts):
 * what our own renderer writes comes back the same (states, directions, the ringing
 * caller, the call-id and tags the phones copy into a pickup by Replaces), tokens that are
 * not plain tokens are dropped, ended dialogs under live ones are dropped,
 * and anything malformed is left out or refused, never thrown.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dialogInfo } from '../../../src/channels/sip/events/dialog-info.js';
import { parseDialogInfo } from '../../../src/channels/sip/events/dialog-info-parse.js';
import type { LampView } from '../../../src/core/lamps.js';

const ringing: LampView = {
  extension: '301', lamp: 'ringing', dnd: false,
  dialogs: [{ id: 'ch-1', callId: 'tok', localTag: 'l', remoteTag: 'r', direction: 'recipient', state: 'early', remote: { number: '302', name: 'Marc "M" <Petit>' } }],
};

test('our own document comes back as the same lamp, with the pickup tokens', () => {
  const v = parseDialogInfo(dialogInfo(ringing, 3, 'lyon.example', '*8'), '301')!;
  assert.equal(v, ringing);
});

test('a call-id that is no plain token is not passed on (nor its tags)', () => {
  const body = '<dialog-info><dialog id="a" call-id="x&quot;&gt;&lt;y" local-tag="l" remote-tag="r" direction="recipient"><state>early</state></dialog></dialog-info>';
  assert.equal(parseDialogInfo(body, '301')!.dialogs.map((d) => [d.callId, d.localTag, d.remoteTag]), [['', '', '']]);
});

test('a confirmed call is busy; an ended one alone is idle, and is dropped under a live one', () => {
  const doc = (states: string[]) => `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:301@x">${states.map((s, i) => `<dialog id="d${i}" direction="initiator"><state>${s}</state></dialog>`).join('')}</dialog-info>`;
  assert.equal([parseDialogInfo(doc(['confirmed']), '301')!.lamp, parseDialogInfo(doc(['terminated']), '301')!.lamp], ['busy', 'idle']);
  assert.equal(parseDialogInfo(doc(['terminated', 'confirmed']), '301')!.dialogs.map((d) => d.id), ['d1']);
  assert.equal(parseDialogInfo(doc([]), '301')!.dialogs, []);
});

test('malformed: unknown states and directions left out, a body that is no dialog-info refused', () => {
  const body = '<dialog-info><dialog id="a" direction="sideways"><state>early</state></dialog><dialog id="b" direction="recipient"><state>exploded</state></dialog>'
    + '<dialog id="c" direction="recipient"><state>early</state><remote><identity>sip:<script>@x</identity></remote></dialog></dialog-info>';
  const v = parseDialogInfo(body, '301')!;
  assert.equal(v.dialogs.map((d) => [d.id, d.remote]), [['c', undefined]]);
  assert.is(parseDialogInfo('{"not":"xml"}', '301'), undefined);
});

test.run();
