/**
 * A real attacker's tool against the exchange: SIPVicious svcrack (Debian `sipvicious`)
 * guesses 202's SIP password from one address, from a dictionary whose 41st entry is the
 * right one, while the attacker's own valid account 201 keeps authenticating from that
 * same address. The failures are never laundered by those successes: the address is locked
 * after 10 and svcrack never finds the password. The lockout is published on the event bus.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { TestPhone } from '../helpers/sip-phone.js';
import { requireTool } from '../helpers/tools.js';

// svcrack sends from the host's loopback address whatever -b says; the attacker's own phone shares it.
const ATTACKER = '127.0.0.1';

let ex: Exchange;
let dir: string;

test.before(async () => {
  dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
});
test.after(() => ex?.close());

function svcrack(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('svcrack', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // svcrack keeps resending while it gets answers (403s included): the attack is bounded here.
    const stop = setTimeout(() => child.kill('SIGINT'), 10_000);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      clearTimeout(stop);
      resolve({ code, output });
    });
  });
}

// No placeholder test when svcrack is missing: the runner counts the SKIPPED line (under CI it fails).
if (requireTool('svcrack', 'sipvicious', 'the SIPVicious attacker test')) test("svcrack cannot find 202's password, though the attacker's own account 201 succeeds from the same address all along", async () => {
  const words = Array.from({ length: 40 }, (_, i) => `guess-${i}`);
  words.push('s3cret-202');
  writeFileSync(`${dir}/dictionary.txt`, `${words.join('\n')}\n`);
  const lockouts: unknown[] = [];
  const off = ex.events.on('security.lockout', (d) => lockouts.push(d));
  const own = await TestPhone.start(ex.sip.port, ATTACKER);
  let cracking = true;
  let successes = 0;
  const launder = (async () => {
    while (cracking) {
      const r = await own.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, { username: '201', password: 's3cret-201' });
      if (r.final.status === 200) successes++;
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  try {
    const run = await svcrack(['-u', '202', '-d', `${dir}/dictionary.txt`, '-p', String(ex.sip.port), '--maximumtime=5', '127.0.0.1']);
    cracking = false;
    await launder;
    assert.ok(successes > 0, `the attacker's own account authenticated meanwhile (${successes})`);
    assert.not.match(run.output, /s3cret-202/, `svcrack did not find the password:\n${run.output}`);
    assert.equal(lockouts[0], { service: 'sip', kind: 'address', key: ATTACKER, until: (lockouts[0] as { until: number }).until });
  } finally {
    cracking = false;
    off();
    await own.stop();
  }
});

test.run();
