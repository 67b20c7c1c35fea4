import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import { currentThreadId, setThreadNice, type PriorityResult } from '../../src/media/worker/thread-priority.js';

/** A thread's nice value as the kernel reports it (/proc/<pid>/task/<tid>/stat, field 19). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('a media worker started with a nice value runs at it; the main thread keeps its own', async () => {
  const mainTid = currentThreadId()!;
  assert.ok(mainTid > 0, 'Linux gives the thread id');
  const before = niceOf(mainTid);
  const reported: PriorityResult[] = [];
  // A positive nice (lower priority) is allowed without privileges, so this runs anywhere.
  const pool = new MediaWorkerPool({ size: 1, nice: 7, onPriority: (r) => reported.push(r) });
  const leg = await pool.open({ host: '127.0.0.1', port: 0 });
  const deadline = Date.now() + 5000;
  while (reported.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const result = reported[0];
  assert.ok(result?.ok, `worker reported ${JSON.stringify(result)}`);
  if (result?.ok) {
    assert.is(result.nice, 7);
    assert.is(niceOf(result.tid), 7, 'the kernel sees the worker thread at nice 7');
    assert.is.not(result.tid, mainTid);
  }
  assert.is(niceOf(mainTid), before, 'the signalling thread is untouched');
  assert.equal(pool.priorities(), [result]);
  await leg.close();
  await pool.close();
});

test('a refused priority is reported with the reason, not thrown', () => {
  // Raising priority past what the process may use fails without root/CAP_SYS_NICE; as root
  // it succeeds, so accept both, but a failure must carry a reason that says what to do.
  const r = setThreadNice(-20);
  if (r.ok) {
    assert.is(r.nice, -20);
    setThreadNice(0); // as root: put this test thread back
  } else assert.match(r.reason, /CAP_SYS_NICE/);
});

test.run();
