/**
 * Reading a dialog-info document (RFC 4235 §4) back into a lamp view: what another site's
 * NOTIFY says about one of its extensions (network/remote-lamps.ts). Only what the local
 * package renders again is kept — each dialog's id, direction, state and, for a ringing
 * call, the caller's number and name — and the owner's `call-id` and tags (its lamp tokens,
 * when they are plain tokens), which the watchers here see again: a phone's pickup by
 * Replaces naming them becomes the directed pickup of that extension at its site
 * (lamp-pickup.ts, network/remote-lamps.ts). Anything malformed is left out, never thrown.
 */
import type { LampDialog, LampDialogState, LampView } from '../../../core/lamps.js';

const STATES: ReadonlySet<string> = new Set(['trying', 'proceeding', 'early', 'confirmed', 'terminated']);
const DIALOG = /<dialog\s([^>]*)>([\s\S]*?)<\/dialog>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const unescape = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ENTITIES[e]!);
const attr = (attrs: string, name: string): string | undefined => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];
/** A lamp token as sites write them (core/lamps.ts randomToken); anything else is not passed on. */
const TOKEN = /^[A-Za-z0-9._~+-]{1,64}$/;
const token = (attrs: string, name: string): string => {
  const v = attr(attrs, name);
  return v !== undefined && TOKEN.test(v) ? v : '';
};

/** The view of `extension` a dialog-info body gives; `undefined` when the body is no dialog-info document. */
export function parseDialogInfo(body: string, extension: string): LampView | undefined {
  if (!/<dialog-info[\s>]/.test(body)) return undefined;
  const dialogs: LampDialog[] = [];
  for (const m of body.matchAll(DIALOG)) {
    const attrs = m[1]!;
    const inner = m[2]!;
    const state = /<state[^>]*>\s*([a-z]+)\s*<\/state>/.exec(inner)?.[1];
    const direction = attr(attrs, 'direction');
    if (!state || !STATES.has(state) || (direction !== 'initiator' && direction !== 'recipient')) continue;
    const id = unescape(attr(attrs, 'id') ?? '').slice(0, 64);
    const identity = /<remote>\s*<identity([^>]*)>([^<]*)<\/identity>/.exec(inner);
    const number = identity ? /^sips?:([^@;>]+)@/.exec(unescape(identity[2]!.trim()))?.[1] : undefined;
    const name = identity ? attr(identity[1]!, 'display') : undefined;
    const remote = number && /^[0-9A-Za-z*#+._-]{1,32}$/.test(number) ? { number, ...(name ? { name: unescape(name).slice(0, 64) } : {}) } : undefined;
    const callId = token(attrs, 'call-id');
    const ids = callId ? { callId, localTag: token(attrs, 'local-tag'), remoteTag: token(attrs, 'remote-tag') } : { callId: '', localTag: '', remoteTag: '' };
    dialogs.push({ id, ...ids, direction, state: state as LampDialogState, remote });
  }
  const live = dialogs.filter((d) => d.state !== 'terminated');
  const lamp = live.some((d) => d.direction === 'recipient' && d.state === 'early') ? 'ringing' : live.length ? 'busy' : 'idle';
  return { extension, lamp, dnd: false, dialogs: live.length ? live : dialogs.slice(-1) };
}

/** What a lamp shows for an extension whose site cannot be reached: no dialog, as a local employee whose phones are off. */
export function unreachableView(extension: string): LampView {
  return { extension, lamp: 'unreachable', dnd: false, dialogs: [] };
}
