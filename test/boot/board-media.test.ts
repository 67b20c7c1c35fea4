import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBoard } from '../../src/boot/board.js';
import { ConfigError } from '../../common/errors.js';

function issues(input: unknown): string[] {
  try {
    parseBoard(input, 'board.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

test('a board without a media section gets media threads ahead of others, the default RTP range and a 60 s RTP timeout', () => {
  const b = parseBoard({ name: 'plain' }, 'board.yaml');
  assert.equal(b.media, { nice: -10, rtp_ports: { min: 16384, max: 32767 }, rtp_timeout_s: 60, conference_max: 30, legs_per_worker: 64, worker_idle_stop_s: 600 });
  assert.is(b.media.workers, undefined, 'one worker per core, decided at boot');
});

test('a board may set the workers, their priority, the RTP port range and the RTP timeout (0: off)', () => {
  const b = parseBoard({ name: 'pi4', media: { workers: 3, nice: 0, rtp_ports: { min: 10000, max: 10999 }, rtp_timeout_s: 0, conference_max: 12, legs_per_worker: 8, worker_idle_stop_s: 0 } }, 'board.yaml');
  assert.equal(b.media, { workers: 3, nice: 0, rtp_ports: { min: 10000, max: 10999 }, rtp_timeout_s: 0, conference_max: 12, legs_per_worker: 8, worker_idle_stop_s: 0 });
});

test('wrong media settings are refused with the key and the reason', () => {
  assert.ok(issues({ name: 'x', media: { workers: 0 } }).some((i) => i.startsWith('board.yaml: media.workers')), 'no workers');
  assert.ok(issues({ name: 'x', media: { nice: -21 } }).some((i) => i.startsWith('board.yaml: media.nice')), 'nice below −20');
  assert.ok(issues({ name: 'x', media: { rtp_ports: { min: 20000, max: 20001 } } }).some((i) => /media\.rtp_ports.*two RTP\/RTCP pairs/.test(i)), 'range too small');
  assert.ok(issues({ name: 'x', media: { rtp_ports: { min: 80, max: 9000 } } }).some((i) => i.startsWith('board.yaml: media.rtp_ports.min')), 'privileged ports');
  assert.ok(issues({ name: 'x', media: { threads: 2 } }).length > 0, 'unknown key');
  for (const bad of [-1, 1.5, 3601, '60']) assert.ok(issues({ name: 'x', media: { rtp_timeout_s: bad } }).some((i) => i.startsWith('board.yaml: media.rtp_timeout_s')), `rtp_timeout_s ${bad}`);
});

test.run();
