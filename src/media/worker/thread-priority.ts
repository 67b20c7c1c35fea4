/**
 * Scheduling priority of the calling thread, for media workers. A telephone exchange runs
 * its media threads ahead of everything else on the box (Asterisk's `-p`, FreeSWITCH's
 * `-rp`): a relayed packet that waits behind a log write or another process's time slice
 * is heard as jitter. Here a media worker lowers its own nice value (Linux applies
 * setpriority(2) with a thread id to that thread only); SIP signalling on the main thread
 * keeps the default priority.
 *
 * A negative nice needs root or CAP_SYS_NICE (systemd: `AmbientCapabilities=CAP_SYS_NICE`);
 * without it the worker runs at normal priority and the pool logs why.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export type PriorityResult = { ok: true; tid: number; nice: number } | { ok: false; reason: string };

/** The kernel's id of the calling thread (Linux: /proc/thread-self → "<pid>/task/<tid>"). */
export function currentThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** Set the calling thread's nice value (−20 highest … 19 lowest). Never throws. */
export function setThreadNice(nice: number): PriorityResult {
  const tid = currentThreadId();
  if (tid === undefined) return { ok: false, reason: 'per-thread priority needs Linux (/proc/thread-self)' };
  try {
    setPriority(tid, nice);
    return { ok: true, tid, nice: getPriority(tid) };
  } catch (err) {
    // os.setPriority throws ERR_SYSTEM_ERROR with the errno name in `info.code`.
    const code = (err as { info?: { code?: string } }).info?.code ?? (err as NodeJS.ErrnoException).code ?? String(err);
    return { ok: false, reason: `setpriority(${nice}) refused (${code}): run with CAP_SYS_NICE to give media threads priority` };
  }
}
