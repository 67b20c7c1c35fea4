/**
 * The page's QR encoder (webui/src/qr/encode.ts) against an independent decoder (jsQR):
 * texts of every length up to the largest version it makes, SIP accounts, UTF-8; and a
 * clear error beyond its capacity.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jsQRModule from 'jsqr';

// jsqr is CommonJS with a default export: the function is `.default` or the module itself, by loader.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

type Encode = (text: string) => boolean[][];
const { qrEncode } = (await import(new URL('../../webui/src/qr/encode.ts', import.meta.url).href)) as { qrEncode: Encode };

/** The code as an RGBA image: 4 px a module, a 4-module quiet zone. */
function render(grid: boolean[][]): { data: Uint8ClampedArray; size: number } {
  const scale = 4;
  const size = (grid.length + 8) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  grid.forEach((row, y) => row.forEach((dark, x) => {
    if (!dark) return;
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const o = (((y + 4) * scale + dy) * size + (x + 4) * scale + dx) * 4;
        data[o] = data[o + 1] = data[o + 2] = 0;
      }
    }
  }));
  return { data, size };
}

const decode = (text: string): string | undefined => {
  const { data, size } = render(qrEncode(text));
  return jsQR(data, size, size)?.data;
};

test('every length from 1 to 213 bytes decodes to the same text, in the smallest version that holds it', () => {
  for (let n = 1; n <= 213; n += 7) {
    const text = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join('');
    assert.is(decode(text), text, `${n} bytes`);
  }
  assert.is(qrEncode('x'.repeat(14)).length, 21, 'version 1 holds 14 bytes at level M');
  assert.is(qrEncode('x'.repeat(15)).length, 25, 'version 2 from 15');
  assert.is(qrEncode('x'.repeat(213)).length, 57, 'version 10 holds 213');
});

test('a SIP account and UTF-8 text', () => {
  for (const text of ['sip:203:Xk3v9QpL2mZr7TwB8nYd@192.168.1.10:5060', 'sip:201:s3cret-201@[fd00::1]:5062', 'Ольга Николаевна — poste 203 ✓']) assert.is(decode(text), text);
});

test('beyond version 10 it says so', () => {
  assert.throws(() => qrEncode('x'.repeat(214)), /too long for a QR code/);
});

test.run();
