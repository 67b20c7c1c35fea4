/**
 * Outgoing packetisation: the engine hands an RTP leg one 20 ms frame (160 samples) every
 * 20 ms; the phone asked (`a=ptime`, RFC 4566 §6) for packets of `ptimeMs`. 10 ms splits
 * each frame in two packets; 30, 40 and 60 ms gather frames until a packet is full (30 ms:
 * three frames make two packets). Any G.711 packet length is legal (RFC 3551 §4.5), so
 * this only follows the phone's preference.
 */
export const SUPPORTED_PTIMES: readonly number[] = [10, 20, 30, 40, 50, 60];

export class Packetizer {
  private readonly packetSamples: number;
  private readonly pending: Uint8Array;
  private filled = 0;

  /** `ptimeMs` at 8 kHz, one byte per sample (G.711). */
  constructor(readonly ptimeMs: number) {
    this.packetSamples = ptimeMs * 8;
    this.pending = new Uint8Array(this.packetSamples);
  }

  /**
   * Take encoded samples; `emit` gets each full packet's payload (a view reused by the next
   * call: send it before returning).
   */
  push(encoded: Uint8Array, emit: (payload: Uint8Array) => void): void {
    let from = 0;
    while (from < encoded.length) {
      if (this.filled === 0 && encoded.length - from === this.packetSamples) return emit(encoded.subarray(from));
      const n = Math.min(this.packetSamples - this.filled, encoded.length - from);
      this.pending.set(encoded.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === this.packetSamples) {
        this.filled = 0;
        emit(this.pending);
      }
    }
  }
}
