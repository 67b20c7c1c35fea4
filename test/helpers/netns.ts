/**
 * A network namespace joined to the host by a veth pair, as a second host on a LAN: the
 * host end gets 10.a.b.1/24, the namespace end 10.a.b.2/24. Names and subnet are unique
 * per run; remove() deletes both (also at process exit, so a failed test leaves nothing).
 * Needs root (CAP_NET_ADMIN) and iproute2: CI runs as root.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface VethNamespace {
  name: string;
  /** The host end's address (the exchange's LAN address as the namespace sees it). */
  hostAddress: string;
  /** The namespace end's address (the phone's). */
  nsAddress: string;
  /** argv prefix that runs a command inside the namespace. */
  exec: string[];
  remove(): void;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: r.error ? String(r.error) : r.stderr.trim() };
}

/** Whether 10.a.b.0/24 is unused on the host (no address or route in it). */
function subnetFree(prefix: string): boolean {
  const r = spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  return r.status === 0 && !r.stdout.includes(`${prefix}.`);
}

/**
 * Create the namespace and veth pair.
 * @returns the namespace, or the reason it could not be made (not root, no iproute2).
 */
export function createVethNamespace(): VethNamespace | { error: string } {
  const id = randomBytes(3).toString('hex');
  const name = `acom-lan-${id}`;
  const hostIf = `acv${id}h`; // IFNAMSIZ: at most 15 characters
  const nsIf = `acv${id}n`;
  let prefix = '';
  for (let i = 0; i < 20 && !prefix; i++) {
    const b = randomBytes(2);
    const p = `10.${200 + (b[0]! % 50)}.${b[1]!}`;
    if (subnetFree(p)) prefix = p;
  }
  if (!prefix) return { error: 'no free 10.x.y.0/24 subnet found' };
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    ip(['link', 'del', hostIf]); // deleting one end deletes the pair
    ip(['netns', 'del', name]);
  };
  const steps: string[][] = [
    ['netns', 'add', name],
    ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf],
    ['link', 'set', nsIf, 'netns', name],
    ['addr', 'add', `${prefix}.1/24`, 'dev', hostIf],
    ['link', 'set', hostIf, 'up'],
    ['-n', name, 'addr', 'add', `${prefix}.2/24`, 'dev', nsIf],
    ['-n', name, 'link', 'set', nsIf, 'up'],
    ['-n', name, 'link', 'set', 'lo', 'up'],
  ];
  process.once('exit', remove);
  for (const s of steps) {
    const r = ip(s);
    if (!r.ok) {
      remove();
      return { error: `ip ${s.join(' ')}: ${r.err}` };
    }
  }
  return { name, hostAddress: `${prefix}.1`, nsAddress: `${prefix}.2`, exec: ['ip', 'netns', 'exec', name], remove };
}

/** Whether a network device or namespace of that name still exists (tests check clean-up). */
export function namespaceExists(name: string): boolean {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout.split('\n').some((l) => l.split(' ')[0] === name);
}
