/**
 * DTMF on a SIP leg, both ways.
 *
 * In: RFC 4733 telephone-events from the phone's RTP (one `digits` per keypress, at its
 * start) and SIP INFO bodies (parsed in in-dialog.ts) become the leg's `digits` event with
 * the form they came in, so the core can publish them and interwork.
 *
 * Out: a digit the core asks the leg to send goes in the form this phone negotiated —
 * RFC 4733 when its SDP agreed telephone-event (RFC 4733 §2.1), else an INFO
 * `application/dtmf-relay` in the dialog, which every desk phone understands.
 */
import type { Dialog } from '../../sip/dialog.js';
import type { Destination } from '../../sip/transport/layer.js';
import type { RtpLeg } from './sip-media.js';
import { isDtmfDigit } from '../../media/dtmf/digits.js';
import { formatDtmfInfo } from '../../media/dtmf/info.js';
import type { DtmfVia } from '../channel.js';
import type { SipContext } from './context.js';

/** Length of each keypress we generate; long enough for any receiver (Q.24 asks ≥ 40 ms). */
const DIGIT_MS = 100;

export class SipDtmf {
  /** Digits are sent one after another: RFC 4733 events must not overlap (§2.5.1.2). */
  private queue: Promise<void> = Promise.resolve();
  private offRtp: (() => void) | undefined;

  constructor(
    private readonly ctx: SipContext,
    private readonly emit: (digits: string, via: DtmfVia) => void,
  ) {}

  /** Start reporting RFC 4733 keypresses of the phone's RTP. */
  listen(endpoint: RtpLeg): void {
    this.offRtp?.();
    this.offRtp = endpoint.onDigit((d) => this.emit(d.digit, 'rfc4733'));
  }

  /** A digit from an INFO request of the dialog. */
  fromInfo(digit: string): void {
    this.emit(digit, 'info');
  }

  /** Send `digits` to the phone, in order, in the form it negotiated. */
  send(digits: string, endpoint: RtpLeg | undefined, dialog: Dialog | undefined, to: Destination): void {
    for (const raw of digits) {
      const digit = raw.toUpperCase();
      if (!isDtmfDigit(digit)) continue;
      this.queue = this.queue.then(async () => {
        if (endpoint && endpoint.telephoneEventPayloadType !== undefined) return endpoint.sendDigit(digit, DIGIT_MS);
        if (!dialog || dialog.state !== 'Confirmed') return;
        const info = dialog.createRequest('INFO');
        info.setBody(formatDtmfInfo(digit, DIGIT_MS), 'application/dtmf-relay');
        await new Promise<void>((resolve) => {
          // Wait for the answer before the next digit: INFOs may otherwise arrive out of order.
          this.ctx.stack.sendRequest(info, {
            destination: to,
            onResponse: (res) => res.status >= 200 && resolve(),
            onTimeout: () => resolve(),
            onTransportError: () => resolve(),
          });
        });
      }).catch((err: unknown) => this.ctx.log.warn({ err }, 'sip: could not send a DTMF digit'));
    }
  }

  close(): void {
    this.offRtp?.();
    this.offRtp = undefined;
  }
}
