/**
 * The live view through a running exchange: during a call between two of our SIP test
 * phones, GET /api/calls shows both channels (whose, state, since when, in which bridge,
 * held or not), the bridge with both members and the call; a hold moves 202 into the
 * holding bridge and says so; /api/events publishes every change (channel.added / state /
 * removed, bridge.members). An employee sees the calls they are in, and nothing of others'.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { sdp } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { EXAMPLE_YAML } from '../config/example.js';
import { connectCall, sendInDialog } from '../channels/sip/call-harness.js';

let ex: Exchange;
let admin: ApiClient;
let user202: ApiClient;
let user101: ApiClient;

test.before(async () => {
  const dir = tempDir();
  const config = `${dir}/office.yaml`;
  writeFileSync(config, EXAMPLE_YAML
    .replace('role: user\n', 'role: user\n    password: "semyon-secret-1"\n')
    .replace('name: Reception\n', 'name: Reception\n    password: "reception-secret-1"\n'));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  const base = `http://127.0.0.1:${ex.http.port}`;
  [admin, user202, user101] = [new ApiClient(base), new ApiClient(base), new ApiClient(base)];
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user202.login('202', 'semyon-secret-1'), 200);
  assert.is(await user101.login('101', 'reception-secret-1'), 200);
});
test.after(async () => {
  await ex.close();
});

/** The events a client's /api/events stream carries (the hello left out). */
async function stream(client: ApiClient): Promise<{ events: Array<{ type: string; data: any }>; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie } });
  const events: Array<{ type: string; data: any }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m));
      if (e.type === 'hello') resolve();
      else events.push(e);
    });
    ws.on('error', reject);
  });
  return { events, close: () => ws.close() };
}

const live = (types: string[]) => (e: { type: string }) => types.includes(e.type);
const LIVE = ['channel.added', 'channel.state', 'channel.removed', 'bridge.members'];

test('a call, a hold and a hang-up, as /api/calls and /api/events show them', async () => {
  const [adminEvents, events202, events101] = [await stream(admin), await stream(user202), await stream(user101)];
  const c = await connectCall(ex);
  try {
    const view = (await admin.get('/api/calls')).body;
    assert.is(view.calls.length, 1);
    const call = view.calls[0];
    assert.equal([call.state, call.from, call.to], ['connected', '201', '202']);
    assert.is(view.channels.length, 2);
    const a = view.channels.find((ch: any) => ch.owner === '201');
    const b = view.channels.find((ch: any) => ch.owner === '202');
    assert.equal([a.tech, a.direction, a.state, a.held, a.call], ['sip', 'inbound', 'up', false, call.id]);
    assert.equal([b.tech, b.direction, b.state, b.held, b.call], ['sip', 'outbound', 'up', false, call.id]);
    assert.ok(a.bridge && a.bridge === b.bridge, 'both in one bridge: they talk with each other');
    assert.ok(!Number.isNaN(Date.parse(a.since)) && Date.parse(a.stateSince) >= Date.parse(a.since), 'since when');
    assert.equal(view.bridges, [{ id: a.bridge, kind: 'mixing', mode: view.bridges[0].mode, members: [a.id, b.id] }]);
    assert.equal((await user202.get('/api/calls')).body, view, '202 is in the call: sees all of it');
    assert.equal((await user101.get('/api/calls')).body, { calls: [], channels: [], bridges: [], conferences: [] }, '101 sees nothing of a call it is not in');

    const offer = sdp.buildOffer({ address: '127.0.0.1', port: c.caller.rtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendonly', sessionId: '77', sessionVersion: 2 });
    assert.is((await sendInDialog(ex, c.caller.sip, c.callerDialog, 'INVITE', { body: offer })).status, 200);
    await waitFor(() => ex.switch.holding.size === 1, 3000, '202 in the holding bridge');
    const held = (await admin.get('/api/calls')).body;
    const b2 = held.channels.find((ch: any) => ch.owner === '202');
    assert.is(b2.held, true);
    assert.is(b2.bridge, ex.switch.holding.id);
    assert.ok(held.bridges.some((br: any) => br.kind === 'holding' && br.members.includes(b2.id)));
    assert.not.ok((await user101.get('/api/calls')).body.bridges.length, 'the holding bridge’s occupants are not everyone’s business');
    assert.is((await sendInDialog(ex, c.caller.sip, c.callerDialog, 'BYE')).status, 200);
    await waitFor(() => adminEvents.events.filter(live(['channel.removed'])).length === 2, 3000, 'both channels removed');
    assert.equal((await admin.get('/api/calls')).body, { calls: [], channels: [], bridges: [], conferences: [] });

    const seen = adminEvents.events.filter(live(LIVE));
    assert.equal(seen.filter(live(['channel.added'])).map((e) => e.data.owner), ['201', '202']);
    assert.ok(seen.some((e) => e.type === 'channel.state' && e.data.owner === '202' && e.data.state === 'up'));
    const joins = seen.filter((e) => e.type === 'bridge.members' && e.data.change === 'joined');
    assert.equal(joins.map((e) => [e.data.kind, e.data.owner]), [['mixing', '201'], ['mixing', '202'], ['holding', '202']]);
    assert.equal(joins[1]!.data.members.map((m: any) => m.owner), ['201', '202'], 'who is in the bridge now');
    assert.ok(events202.events.some((e) => e.type === 'channel.added' && e.data.owner === '202'), '202 sees its own channel');
    assert.not.ok(events202.events.some((e) => e.type.startsWith('channel.') && e.data.owner === '201'), 'but not 201’s channel events');
    await waitFor(() => events202.events.some((e) => e.type === 'channel.removed'), 3000, '202 to hear its channel end');
    assert.ok(events202.events.some((e) => e.type === 'bridge.members' && e.data.change === 'joined' && e.data.members.some((m: any) => m.owner === '201')), 'it sees whom it talks with');
    assert.equal(events202.events.filter((e) => e.type === 'bridge.members').map((e) => [e.data.kind, e.data.change, e.data.owner]),
      [['mixing', 'joined', '202'], ['mixing', 'left', '202'], ['holding', 'joined', '202'], ['holding', 'left', '202']],
      '202 sees itself join the call, go on hold and leave it');
    assert.not.ok(events101.events.some(live(LIVE)), '101 gets no live-view events of others’ calls');
  } finally {
    adminEvents.close();
    events202.close();
    events101.close();
    await c.close();
  }
});

test.run();
