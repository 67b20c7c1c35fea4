/** A test phone that plays a steady sine into its call, 20 ms frames on a real-time interval. */
import type { MediaEndpoint } from '../../src/media/endpoint.js';

/** `endpoint` sends a `hz` sine (amplitude 8000) every 20 ms until the returned function is called. */
export function playTone(endpoint: MediaEndpoint, hz: number): () => void {
  let n = 0;
  const timer = setInterval(() => {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++, n++) f[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * n) / 8000));
    endpoint.writeFrame(f);
  }, 20);
  return () => clearInterval(timer);
}
