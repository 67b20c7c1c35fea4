/**
 * The Lines screen's SIP trunks, the Queues screen's live statistics and the Voice prompts
 * screen, in Debian's chromium on the sim board (issue 13):
 * - Lines: a trunk whose provider refuses the registration (a UDP socket answering 403)
 *   shows "refused by the provider" with the provider's reason, through `trunk.state`;
 * - Queues: a caller waiting in queue 700 appears in "Callers waiting" while they wait, the
 *   admin logs agent 101 in with the page's button, the agent's analog phone rings and the
 *   agent's state follows; the caller hangs up: nobody waits, one abandoned — all by the
 *   event stream, no reload; a supervisor (role user) sees the queue with log in / out only;
 * - Voice prompts: a WAV in telephone quality replaces "welcome" in French (listed as
 *   replaced, played back by the API), a 44.1 kHz one gets the API's message by the file
 *   field, and the bundled prompt comes back.
 * Each screen passes axe-core (no serious or critical violation); screenshots in test-artifacts/webui/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { creds, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { Dialog, sdp } from '../../src/sip/index.js';
import { createResponse, newTag } from '../../src/sip/builders.js';
import { parseMessage } from '../../src/sip/parser.js';
import { serialize } from '../../src/sip/serializer.js';
import type { SipRequest } from '../../src/sip/message.js';
import { writeWav } from '../../src/media/wav.js';
import { example } from '../config/example.js';
import { seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { ADMIN, USER } from './office.js';

let rig: UiRig;
let page: Page;
let provider: Socket;
let p202: HarnessPhone;
const errors: string[] = [];

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

async function open(id: string, title: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  assert.match(page.url(), new RegExp(`#/${id}$`));
}

/** A provider that refuses every REGISTER (403), as one with a wrong password does. */
async function refusingProvider(): Promise<Socket> {
  const s = createSocket('udp4');
  s.on('message', (buf, from) => {
    const req = parseMessage(buf) as SipRequest;
    if (req.method !== 'REGISTER') return;
    s.send(serialize(createResponse(req, 403, 'Forbidden (wrong password)', newTag())), from.port, from.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

function officeFile(providerPort: number): string {
  const c = example();
  c.lines.push({ name: 'City 2', type: 'fxo', port: 2 });
  c.employees.find((e: { extension: string }) => e.extension === USER.extension).password = USER.password;
  c.sip_trunks = [{ name: 'Provider', registration: { registrar: `127.0.0.1:${providerPort}`, username: '0033972000000', password: 'provider-pass-1' }, caller_id: '+33972000000', options_interval_s: 0 }];
  c.queues = [{ name: 'Support', extension: '700', agents: [{ extension: '101' }], supervisors: [USER.extension], service_level_s: 20, join_empty: true, leave_when_empty: false, wrap_up_s: 0 }];
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}

if (haveChromium()) {
  test.before(async () => {
    provider = await refusingProvider();
    rig = await startUi(officeFile((provider.address()).port));
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    p202 = await harnessPhone(rig.ex, '202');
    await register(p202, '202');
  });
  test.after(async () => {
    await unregister(p202, '202').catch(() => undefined);
    await Promise.all([p202?.sip.stop(), p202?.rtp.close()]);
    await rig?.close();
    provider?.close();
  });

  test('Lines: the SIP trunk refused by its provider, with the provider\'s reason', async () => {
    await signIn(page, rig.base, ADMIN.extension, ADMIN.password);
    await open('lines', 'Lines');
    const row = page.locator('[data-trunk="Provider"]');
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`127\\.0\\.0\\.1:${provider.address().port}`));
    await page.locator('[data-trunk="Provider"][data-state="failed"]').waitFor({ timeout: 15_000 });
    await row.getByText('refused by the provider').waitFor();
    await row.getByText(/403/).waitFor();
    await accessible('c01-lines-trunk');
  });

  test('Queues: a waiting caller, an agent logged in from the page who rings, then an abandon — live', async () => {
    await open('queues', 'Queues');
    const card = page.locator('[data-queue="700"]');
    await card.waitFor();
    assert.is(await card.locator('[data-figure="waiting"]').innerText(), '0');
    await card.locator('[data-agent="101"][data-state="logged_out"]').waitFor();
    await accessible('c02-queues-empty');

    // 202 calls the queue: answered with music, waiting for an agent.
    const r = await p202.sip.sendAuthenticated({ method: 'INVITE', target: '700', from: '202', body: offerFor(p202.rtp.localPort) }, creds('202'));
    assert.is(r.final.status, 200, 'the queue answers');
    const dialog = Dialog.asUac(r.request, r.final);
    const exchange = { protocol: 'udp' as const, address: '127.0.0.1', port: rig.ex.sip.port };
    p202.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), exchange);
    const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p202.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
    await card.locator('[data-figure="waiting"]').filter({ hasText: /^1$/ }).waitFor({ timeout: 10_000 });
    await card.locator('[data-figure="longest"]').filter({ hasText: /^0:0[1-9]$/ }).waitFor({ timeout: 10_000 }); // the wait runs on the page
    await shot(page, 'c03-queue-waiting');

    await card.getByRole('button', { name: 'Log in 101' }).click();
    await card.locator('[data-agent="101"][data-state="ringing"]').waitFor({ timeout: 10_000 });
    await accessible('c04-queue-agent-ringing');

    await p202.sip.send(dialog.createRequest('BYE'));
    await card.locator('[data-figure="waiting"]').filter({ hasText: /^0$/ }).waitFor({ timeout: 10_000 });
    await card.locator('[data-figure="counts"]').filter({ hasText: '1 abandoned' }).waitFor({ timeout: 10_000 });
    await card.locator('[data-agent="101"][data-state="available"]').waitFor({ timeout: 10_000 });
    await shot(page, 'c05-queue-abandoned');
  });

  test('Queues: the supervisor (a user) sees the queue, may log agents out but not pause them', async () => {
    const ctx2 = await rig.context.browser()!.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p2 = await ctx2.newPage();
    try {
      await signIn(p2, rig.base, USER.extension, USER.password);
      await p2.getByRole('navigation').getByRole('link', { name: 'Queues', exact: true }).click();
      const card = p2.locator('[data-queue="700"]');
      await card.locator('[data-agent="101"][data-state="available"]').waitFor();
      assert.is(await card.getByRole('button', { name: 'Pause 101' }).count(), 0, 'pausing an agent is not a supervisor\'s');
      assert.is(await p2.getByRole('navigation').getByRole('link', { name: 'Voice prompts', exact: true }).count(), 0, 'prompts are for admins');
      await card.getByRole('button', { name: 'Log out 101' }).click();
      await card.locator('[data-agent="101"][data-state="logged_out"]').waitFor({ timeout: 10_000 });
      assert.ok(await p2.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 390 px');
      const shotPage = page;
      page = p2;
      await accessible('c06-queue-supervisor-phone');
      page = shotPage;
    } finally {
      await ctx2.close();
    }
  });

  test('Voice prompts: a telephone WAV replaces "welcome" in French; a 44.1 kHz one gets the API\'s message; back to the bundled one', async () => {
    await open('prompts', 'Voice prompts');
    await page.locator('[data-prompt="welcome"] [data-lang="fr"][data-site="no"]').waitFor();
    await accessible('c07-prompts');
    const dir = tempDir();
    const tone = new Int16Array(8000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    writeFileSync(join(dir, 'bienvenue.wav'), writeWav(tone));
    writeFileSync(join(dir, 'hifi.wav'), writeWav(new Int16Array(44100), { sampleRate: 44100 }));

    await page.getByLabel('Prompt', { exact: true }).fill('welcome');
    await page.getByLabel('Prompt language').selectOption('fr');
    await page.getByLabel('WAV file').setInputFiles(join(dir, 'hifi.wav'));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const fieldError = page.locator('.field.invalid').getByRole('alert');
    await fieldError.waitFor();
    assert.match(await fieldError.innerText(), /8000|8 kHz/);
    assert.is(await page.getByLabel('Prompt', { exact: true }).inputValue(), 'welcome', 'nothing typed is lost');
    await accessible('c08-prompt-refused');

    await page.getByLabel('WAV file').setInputFiles(join(dir, 'bienvenue.wav'));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'welcome (fr) uploaded: 1 s.' }).waitFor();
    await page.locator('[data-prompt="welcome"] [data-lang="fr"][data-site="yes"]').waitFor();
    const played = await page.evaluate(async () => (await fetch('/api/prompts/fr/welcome')).arrayBuffer().then((b) => b.byteLength));
    assert.is(played, 44 + 16000, 'the uploaded second plays');
    await shot(page, 'c09-prompt-replaced');

    await page.getByRole('button', { name: 'Back to bundled welcome fr' }).click();
    await page.locator('[data-prompt="welcome"] [data-lang="fr"][data-site="no"]').waitFor();
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
