/**
 * The media seam (DESIGN seam 4): every endpoint — an RTP leg, an analog port, a DECT
 * handset, a prompt player, a conference — produces and consumes 20 ms frames of 160
 * signed 16-bit samples at 8 kHz.
 */

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
/** Samples in one 20 ms frame at 8 kHz. */
export const FRAME_SAMPLES = 160;

/** Receives one 20 ms frame. The array may be reused by the producer after the call returns. */
export type FrameListener = (frame: Int16Array) => void;

/**
 * One source and sink of audio.
 *
 * - `onFrame` delivers what the endpoint's user says (for RTP: decoded, de-jittered,
 *   loss-concealed audio), one frame every 20 ms on the media clock.
 * - `writeFrame` gives the endpoint what its user should hear; an endpoint paces nothing
 *   itself, the producer calls it every 20 ms.
 *
 * Listeners must copy a frame they keep: producers reuse buffers to spare the GC.
 */
export interface MediaEndpoint {
  onFrame(listener: FrameListener): () => void;
  writeFrame(frame: Int16Array): void;
  /**
   * Capability: the RFC 4733 telephone-event payload type this endpoint agreed with its
   * peer, when it sends and receives DTMF as RTP events (an RTP leg that negotiated
   * telephone-event); undefined for everything else (analog ports, players, mixers). The
   * core asks this, never the endpoint's class, to know whether a relayed media path
   * carries a digit as an event.
   */
  readonly telephoneEventPayloadType?: number | undefined;
  /**
   * Capability: the producer writing to this endpoint skipped `frames` 20 ms frames (its
   * thread was held up past what it catches up, frame-ticker.ts). An RTP leg moves its
   * next packet's timestamp on by that much, so the far end hears a gap and stays on time.
   */
  skipFrames?(frames: number): void;
}

/** A frame of digital silence (do not modify). */
export const SILENT_FRAME: Readonly<Int16Array> = new Int16Array(FRAME_SAMPLES);

/**
 * Connect two endpoints both ways on the decoded path: each hears the other. Returns a
 * function that disconnects them. RTP legs should use `bridge()` from `relay.ts`, which
 * picks the relay fast path when it can.
 */
export function connectFrames(a: MediaEndpoint, b: MediaEndpoint): () => void {
  const offA = a.onFrame((f) => b.writeFrame(f));
  const offB = b.onFrame((f) => a.writeFrame(f));
  return () => {
    offA();
    offB();
  };
}
