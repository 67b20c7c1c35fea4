/**
 * The secretary console (issue 15) in Debian's chromium on the sim board, with a real call:
 * 201 calls director 200, secretary 210 answers on their SIP phone and holds (re-INVITE
 * a=sendonly). On 210's console the director shows with their deputy; the caller appears
 * on hold with their name, the waiting time and the 5-second reminder counting down, then
 * the reminders counted; "Take back" rings 210's phone with the caller at once; "Transfer to
 * Boris Ivanov" (the deputy) rings 220 with the caller and releases 210's held leg (a
 * number typed in "Transfer to" that is none shows the exchange's refusal); "In a meeting" switches the director's DND through the API; a
 * call note written from the held call is prefilled by the exchange (the caller's number
 * to call back), a refused field shows the API's message beside it and keeps the text; the
 * note is listed, marked done, found among the done ones; the etiquette's phrases read in
 * French. On the line (the desk): the secretary types the caller's name (the note's form is
 * prefilled with it), "Announce" rings 200 showing it, "Join" puts the two through and
 * releases 210; a second call announced is taken back. An employee who assists nobody is told so. axe-core on each step; screenshots in
 * test-artifacts/webui/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { Dialog, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { createResponse, newTag } from '../../src/sip/builders.js';
import { example } from '../config/example.js';
import { seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { USER } from './office.js';

const SECRETARY = { extension: '210', password: 'marina-pass-210' };
let rig: UiRig;
let page: Page;
const phones: Record<string, HarnessPhone> = {};
const errors: string[] = [];

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

function officeFile(): string {
  const c = example();
  c.employees.find((e: { extension: string }) => e.extension === USER.extension).password = USER.password;
  c.employees.push(
    { name: 'Semyon Petrov', extension: '200', devices: [{ type: 'sip', secret: 's3cret-200' }] },
    { name: 'Marina Vorobyova', extension: '210', password: SECRETARY.password, devices: [{ type: 'sip', secret: 's3cret-210' }] },
    { name: 'Boris Ivanov', extension: '220', devices: [{ type: 'sip', secret: 's3cret-220' }] },
  );
  c.executives = [{
    extension: '200', assistants: ['210'], hold_reminder_s: 5, reminder_ring_s: 1, reminders_before_recall: 20,
    deputies: [{ name: 'Boris Ivanov', position: 'deputy director', number: '220' }],
  }];
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(officeFile());
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const ext of ['200', '201', '210', '220']) {
      phones[ext] = await harnessPhone(rig.ex, ext);
      await register(phones[ext]!, ext);
    }
  });
  test.after(async () => {
    for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => undefined);
    for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
    await rig?.close();
  });

  test('the secretary\'s console: the director, the deputy, "in a meeting" switched through the API', async () => {
    await signIn(page, rig.base, SECRETARY.extension, SECRETARY.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Secretary console', exact: true }).click();
    const card = page.locator('[data-director="200"]');
    await card.getByRole('heading', { name: /Semyon Petrov \(200\)/ }).waitFor();
    await card.locator('[data-deputy="220"]').getByText('Boris Ivanov, deputy director — 220').waitFor();
    await card.locator('[data-empty="waiting-200"]').waitFor();
    await accessible('s01-console');
    await card.getByLabel('In a meeting (do not disturb)').click(); // the box follows the API's answer
    await card.locator('[data-presence="meeting"]').waitFor();
    assert.ok(await card.getByLabel('In a meeting (do not disturb)').isChecked());
    const x = await page.evaluate(async () => (await (await fetch('/api/executives')).json()) as { executives: Array<{ dnd: boolean }> });
    assert.is(x.executives[0]!.dnd, true, 'the switch is the API\'s');
    await card.getByLabel('In a meeting (do not disturb)').click();
    await waitFor(async () => !(await card.locator('[data-presence="meeting"]').count()), 5000, 'the meeting is over');
  });

  test('a caller on hold for the director: name, waiting time, the reminder; a note written from the call', async () => {
    const p201 = phones['201']!;
    const p210 = phones['210']!;
    let ringOnly = false;
    let first: { req: SipRequest; res: SipResponse } | undefined;
    p210.respond = (req) => {
      if (req.method === 'INVITE' && !req.to.tag && ringOnly) return createResponse(req, 180, 'Ringing', newTag());
      const res = defaultAnswer(p210, '210', req);
      if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
      return res;
    };
    const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
    const exchange = { protocol: 'udp' as const, address: '127.0.0.1', port: rig.ex.sip.port };
    const callerDialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), exchange);
    const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p201.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
    const secretary = Dialog.asUas(first!.req, first!.res);
    const hold = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly'), contentType: 'application/sdp' });
    ringOnly = true;
    assert.is((await p210.sip.send(hold)).status, 200);
    p210.sip.stack.sendAck(secretary.createAck(hold.cseq.seq), exchange);

    const card = page.locator('[data-director="200"]');
    const row = card.locator('[data-table="waiting-200"] tr[data-waiting]');
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /Galina Ivanovna 201/);
    assert.match(await row.innerText(), /back to them in [1-5] s \(every 5 s\)/);
    await row.locator('[data-wait]').filter({ hasText: /^0:0[1-9]$/ }).waitFor({ timeout: 10_000 });
    await row.getByText(/reminded 1×/).waitFor({ timeout: 15_000 });
    await accessible('s02-caller-on-hold');

    // "Take back": 210's phone rings now with the held caller's name.
    const invites = () => p210.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
    const before = invites().length;
    await row.getByRole('button', { name: 'Take back 201' }).click();
    await page.getByRole('status').filter({ hasText: 'Phone 210 rings with the caller' }).waitFor();
    await waitFor(() => invites().length > before, 3000, '210 rings with the held caller');
    assert.match(invites().at(-1)!.headers.get('From') ?? '', /On hold \d+s: Galina Ivanovna/);

    await row.getByRole('button', { name: 'Write a note 201' }).click();
    const form = page.locator('[data-form="note"]');
    await form.getByText('From the call of Galina Ivanovna 201').waitFor();
    await form.getByLabel('Surname').fill('Ivanova');
    await form.getByLabel('First name').fill('Galina');
    await form.getByLabel('Position').fill('chief accountant');
    await form.getByLabel('The essence of the message').fill('x'.repeat(501));
    await form.getByLabel('When to call back').fill('after 14:00');
    await form.getByLabel('Deputy the call may go to').selectOption({ label: 'Boris Ivanov, deputy director — 220' });
    await form.getByRole('button', { name: 'Save the note' }).click();
    const essenceError = form.locator('#note-essence-err');
    await essenceError.waitFor();
    assert.match(await essenceError.innerText(), /500/);
    assert.is(await form.getByLabel('Surname').inputValue(), 'Ivanova', 'nothing typed is lost');
    await accessible('s03-note-refused');
    await form.getByLabel('The essence of the message').fill('The quarterly report: please call back.');
    await form.getByRole('button', { name: 'Save the note' }).click();
    await page.getByRole('status').filter({ hasText: 'Note saved.' }).waitFor();

    const note = page.locator('[data-table="notes"] tr[data-status="new"]');
    await note.waitFor();
    const text = await note.innerText();
    assert.match(text, /Ivanova Galina, chief accountant \(201\)/);
    assert.match(text, /201 · after 14:00/, 'the number to call back prefilled from the call');
    assert.match(text, /may go to Boris Ivanov \(deputy director, 220\)/);
    await card.getByText('New call notes: 1').waitFor();
    await accessible('s04-note-listed');

    await note.getByRole('button', { name: 'Done Ivanova Galina' }).click();
    await page.locator('[data-empty="notes"]').waitFor();
    await page.getByLabel('Show').selectOption('done');
    await page.locator('[data-table="notes"] tr[data-status="done"]').waitFor();

    await page.getByLabel('Phrases in').selectOption('fr');
    await page.getByText('Juste une minute, je vais me connecter.').waitFor({ state: 'attached' });
    await page.locator('details').filter({ hasText: 'Holding the line' }).locator('summary').click();
    await page.getByText('Juste une minute, je vais me connecter.').waitFor();
    await accessible('s05-phrases-fr');

    const resume = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, 3), contentType: 'application/sdp' });
    assert.is((await p210.sip.send(resume)).status, 200);
    p210.sip.stack.sendAck(secretary.createAck(resume.cseq.seq), exchange);
    await card.locator('[data-empty="waiting-200"]').waitFor({ timeout: 10_000 });
    await p201.sip.send(callerDialog.createRequest('BYE'));
    await waitFor(() => rig.ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });

  test('"Transfer to Boris Ivanov": the deputy\'s phone rings with the held caller, answers, and the secretary\'s leg is released', async () => {
    const p201 = phones['201']!;
    const p210 = phones['210']!;
    const p220 = phones['220']!;
    let first: { req: SipRequest; res: SipResponse } | undefined;
    p210.respond = (req) => {
      const res = defaultAnswer(p210, '210', req);
      if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
      return res;
    };
    const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
    const exchange = { protocol: 'udp' as const, address: '127.0.0.1', port: rig.ex.sip.port };
    const callerDialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), exchange);
    const secretary = Dialog.asUas(first!.req, first!.res);
    const hold = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly'), contentType: 'application/sdp' });
    assert.is((await p210.sip.send(hold)).status, 200);
    p210.sip.stack.sendAck(secretary.createAck(hold.cseq.seq), exchange);

    const row = page.locator('[data-director="200"] [data-table="waiting-200"] tr[data-waiting]');
    await row.waitFor({ timeout: 10_000 });
    assert.is(await row.getByRole('button', { name: 'Voicemail 201' }).count(), 0, 'no "voicemail" for a director without a mailbox');
    await row.getByRole('button', { name: 'Put through 201' }).waitFor();
    await accessible('s06-held-caller-moves');
    // A number typed that is none: the exchange's refusal is shown, nothing moves.
    await row.getByLabel('Transfer 201 to').fill('boss');
    await row.getByRole('button', { name: 'Transfer 201', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'an extension, a department or a number' }).waitFor();
    const invites = () => p220.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
    assert.is(invites().length, 0, 'nothing moved');
    await row.getByRole('button', { name: 'Transfer to Boris Ivanov 201' }).click();
    await page.getByRole('status').filter({ hasText: 'Phone 220 rings with the caller.' }).waitFor();
    await waitFor(() => invites().length === 1, 5000, '220 rings with the held caller');
    assert.match(invites()[0]!.headers.get('From') ?? '', /201/);
    await waitFor(() => p210.received.some((q) => q.method === 'BYE' && q.callId === first!.req.callId), 5000, 'the secretary\'s held leg is released');
    await page.locator('[data-empty="waiting-200"]').waitFor({ timeout: 10_000 });
    await p201.sip.send(callerDialog.createRequest('BYE'));
    await waitFor(() => rig.ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });

  /** 201 calls 200 and 210 answers on their phone: 201's dialog and 210's leg's Call-ID. */
  async function secretaryAnswers(): Promise<{ callerDialog: Dialog; secretaryCallId: string }> {
    const p201 = phones['201']!;
    const p210 = phones['210']!;
    let first: { req: SipRequest; res: SipResponse } | undefined;
    p210.respond = (req) => {
      const res = defaultAnswer(p210, '210', req);
      if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
      return res;
    };
    const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
    const callerDialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: rig.ex.sip.port });
    return { callerDialog, secretaryCallId: first!.req.callId };
  }

  test('on the line: the name typed, "Announce" rings the director showing it, "Join"; a second call taken back', async () => {
    const p200 = phones['200']!;
    const invites = () => p200.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
    const byes = (p: HarnessPhone) => p.received.filter((q) => q.method === 'BYE');
    const card = page.locator('[data-director="200"]');
    const row = card.locator('[data-table="desk"] tr[data-desk]');
    const one = await secretaryAnswers();
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /Galina Ivanovna 201/);
    assert.match(await row.innerText(), /talking with the secretary/);
    await row.getByLabel('Present 201 as').fill('Jean Dupont');
    await row.getByRole('button', { name: 'Set the name 201' }).click();
    await page.getByRole('status').filter({ hasText: 'The caller is presented as Jean Dupont.' }).waitFor();
    await row.locator('[data-presented]').filter({ hasText: 'Jean Dupont 201' }).waitFor();
    await row.getByRole('button', { name: 'Write a note 201' }).click();
    await page.locator('[data-form="note"]').getByText('From the call of Jean Dupont 201').waitFor();
    await page.locator('[data-form="note"]').getByRole('button', { name: 'Cancel' }).click();
    await accessible('s07-desk-named');
    const before = invites().length;
    await row.getByRole('button', { name: 'Announce 201' }).click();
    await page.getByRole('status').filter({ hasText: 'Phone 200 rings: announce the caller' }).waitFor();
    await waitFor(() => invites().length === before + 1, 5000, 'the director rings');
    assert.match(invites().at(-1)!.headers.get('From') ?? '', /^"Jean Dupont" <sip:201@/, 'the director\'s phone shows the typed name');
    await card.locator('tr[data-desk][data-state="consulting"]').waitFor({ timeout: 5000 });
    await accessible('s08-desk-consulting');
    await row.getByRole('button', { name: 'Join 201' }).click();
    await page.getByRole('status').filter({ hasText: 'The caller talks with 200.' }).waitFor();
    await waitFor(() => byes(phones['210']!).some((q) => q.callId === one.secretaryCallId), 5000, 'the secretary\'s leg is released');
    await card.locator('[data-table="desk"]').waitFor({ state: 'detached', timeout: 5000 });
    await phones['201']!.sip.send(one.callerDialog.createRequest('BYE'));
    await waitFor(() => rig.ex.switch.activeCalls().length === 0, 5000, 'the call to end');

    const two = await secretaryAnswers();
    await row.getByRole('button', { name: 'Announce 201' }).click();
    await card.locator('tr[data-desk][data-state="consulting"]').waitFor({ timeout: 5000 });
    const directorCallId = invites().at(-1)!.callId;
    assert.match(invites().at(-1)!.headers.get('From') ?? '', /Galina Ivanovna/, 'a new call shows the caller\'s own name');
    await row.getByRole('button', { name: 'Take the call back 201' }).click();
    await page.getByRole('status').filter({ hasText: 'The call is back with you.' }).waitFor();
    await waitFor(() => byes(p200).some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends');
    await card.locator('tr[data-desk][data-state="talking"]').waitFor({ timeout: 5000 });
    assert.not.ok(byes(phones['210']!).some((q) => q.callId === two.secretaryCallId), 'the secretary is still on the call');
    await phones['201']!.sip.send(two.callerDialog.createRequest('BYE'));
    await waitFor(() => rig.ex.switch.activeCalls().length === 0, 5000, 'the call to end');
    await card.locator('[data-table="desk"]').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('an employee who assists no director is told so, at a phone\'s width', async () => {
    const ctx2 = await rig.context.browser()!.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', timezoneId: 'UTC' });
    const p2 = await ctx2.newPage();
    try {
      await signIn(p2, rig.base, USER.extension, USER.password);
      await p2.getByRole('navigation').getByRole('link', { name: 'Secretary console', exact: true }).click();
      await p2.locator('[data-empty="executives"]').getByText('You assist no director.').waitFor();
      assert.is(await p2.evaluate(async () => (await fetch('/api/notes')).json().then((b: { notes: unknown[] }) => b.notes.length)), 0, 'nor sees any note');
      assert.is(await p2.evaluate(async () => (await fetch('/api/executives/200/waiting/call-1/take-back', { method: 'POST' })).status), 404, 'nor acts on the director\'s calls');
      assert.is(await p2.evaluate(async () => (await fetch('/api/executives/200/waiting/nope/take-back', { method: 'POST' })).status), 400, 'the call id is validated');
    } finally {
      await ctx2.close();
    }
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
