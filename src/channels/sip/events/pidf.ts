/**
 * The `presence` event package's body (RFC 3856, PIDF RFC 3863: application/pidf+xml) from
 * an employee's lamp, with the RPID activities (RFC 4480 §3.2) phones show:
 * - `closed`: none of the employee's devices can ring (not registered, the port offline);
 * - `open` + `on-the-phone`: in a call (or ringing: the note says which);
 * - `open` + `busy`: do-not-disturb (the note says so);
 * - `open`: free.
 */
import type { LampView } from '../../../core/lamps.js';
import { escapeUserPart } from '../../../sip/sanitise.js';
import { xmlEscape } from './xml.js';

export const PIDF = 'application/pidf+xml';

export function pidf(view: LampView, host: string): string {
  const entity = xmlEscape(`sip:${escapeUserPart(view.extension)}@${host}`);
  const basic = view.lamp === 'unreachable' ? 'closed' : 'open';
  const [activity, note] =
    view.dnd ? ['busy', 'Do not disturb']
      : view.lamp === 'ringing' ? ['on-the-phone', 'Ringing']
        : view.lamp === 'busy' ? ['on-the-phone', 'On the phone']
          : view.lamp === 'unreachable' ? [undefined, 'Offline'] : [undefined, 'Available'];
  const person = activity ? `<dm:person id="p${xmlEscape(view.extension)}"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>\n` : '';
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">\n`
    + `<tuple id="t${xmlEscape(view.extension)}"><status><basic>${basic}</basic></status><contact>${entity}</contact><note>${note}</note></tuple>\n`
    + person
    + '</presence>\n';
}
