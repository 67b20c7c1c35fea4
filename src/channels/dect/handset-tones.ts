/**
 * The tones the exchange plays to a DECT handset itself (the base has none): dial tone,
 * ringback, busy and reorder of the site's country, as 20 ms frames on the call's bearer.
 * While one plays, the calls' own audio towards the handset waits (`mute`).
 */
import type { Clock } from '../../../common/clock.js';
import { localPlayback, type Playback } from '../../media/playback.js';
import { TONE_PLANS, tonePlan, type CountryCode, type ToneName } from '../../media/tones/plans.js';

export class HandsetTones {
  private tone: Playback | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly country: () => string,
    private readonly downlink: (frame: Int16Array) => void,
    private readonly mute: (muted: boolean) => void,
  ) {}

  play(kind: ToneName): void {
    this.stop();
    const code = this.country().toUpperCase() as CountryCode;
    this.mute(true);
    this.tone = localPlayback(this.clock, { kind: 'tone', spec: tonePlan(code in TONE_PLANS ? code : 'FR')[kind] }, this.downlink);
  }

  stop(): void {
    this.tone?.stop();
    this.tone = undefined;
    this.mute(false);
  }
}
