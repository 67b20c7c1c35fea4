/**
 * The `dialog` event package's body (RFC 4235 §4: application/dialog-info+xml) from an
 * employee's lamp (core/lamps.ts). Always full state (§4.1.1), `version` counting this
 * subscription's NOTIFYs from 0 (§4.1.2).
 *
 * What BLF keys read (Yealink, Polycom, Snom, Grandstream, as Asterisk and FreeSWITCH feed
 * them): `<state>` with the dialog's `direction` — `early` + `recipient` blinks the key
 * (ringing), `confirmed` (and `trying`/`proceeding`/`early` as initiator) lights it, no dialog or
 * `terminated` darkens it; the `call-id`, `local-tag` and `remote-tag` attributes, which
 * Polycom and Snom copy into an INVITE with Replaces to pick a ringing call up (b2bua.ts
 * turns that into a directed pickup); and for a ringing call the caller's identity in
 * `<remote>` (shown on the key) with a `<target>` that is the directed-pickup code plus the
 * extension (`sip:*8202@…`), which Snom and Grandstream dial to pick up — as Asterisk does.
 * The other party of a call that is not ringing is not shown: every employee may watch
 * every lamp, and who a colleague talks to is not their business.
 */
import type { LampDialog, LampView } from '../../../core/lamps.js';
import { escapeUserPart } from '../../../sip/sanitise.js';
import { xmlEscape } from './xml.js';

export const DIALOG_INFO = 'application/dialog-info+xml';

const uri = (user: string, host: string): string => `sip:${escapeUserPart(user) || 'anonymous'}@${host}`;

function dialog(d: LampDialog, view: LampView, host: string, pickup: string): string {
  const me = uri(view.extension, host);
  // A call no watcher saw while it lasted has no tokens: an ended one is shown by its id alone.
  const ids = d.callId ? ` call-id="${d.callId}" local-tag="${d.localTag}" remote-tag="${d.remoteTag}"` : '';
  const attrs = `id="${xmlEscape(d.id)}"${ids} direction="${d.direction}"`;
  let remote = '';
  if (d.direction === 'recipient' && d.state === 'early' && d.remote) {
    const name = d.remote.name ? ` display="${xmlEscape(d.remote.name)}"` : '';
    remote = `<remote><identity${name}>${xmlEscape(uri(d.remote.number, host))}</identity><target uri="${xmlEscape(uri(pickup + view.extension, host))}"/></remote>`;
  }
  return `<dialog ${attrs}><state>${d.state}</state><local><identity>${xmlEscape(me)}</identity><target uri="${xmlEscape(me)}"/></local>${remote}</dialog>`;
}

/** The full-state dialog-info document of `view` for NOTIFY number `version`. */
export function dialogInfo(view: LampView, version: number, host: string, pickupCode: string): string {
  const entity = xmlEscape(uri(view.extension, host));
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${entity}">`;
  return `${head}\n${view.dialogs.map((d) => dialog(d, view, host, pickupCode) + '\n').join('')}</dialog-info>\n`;
}
