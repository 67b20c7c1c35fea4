/** The ustar writer and reader of the box's archive (src/backup/tar.ts): round trip, long paths, and what a restore must never unpack. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packTar, unpackTar } from '../../src/backup/tar.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Make the first header's checksum right again after the test changed it. */
function fixSum(tar: Buffer): Buffer {
  tar.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i]!;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return tar;
}

test('files come back as written, a path longer than 100 bytes too', () => {
  const long = `files/voicemail/${'a'.repeat(90)}/${'b'.repeat(60)}.wav`;
  const entries = [{ name: 'manifest.json', data: Buffer.from('{}'), mtime: at }, { name: long, data: Buffer.alloc(1000, 7), mtime: at }, { name: 'empty', data: Buffer.alloc(0), mtime: at }];
  const back = unpackTar(packTar(entries));
  assert.equal(back.map((e) => [e.name, e.data.length, e.mtime]), entries.map((e) => [e.name, e.data.length, e.mtime]));
  assert.ok(back[1]!.data.equals(entries[1]!.data));
});

test('a path that leaves the folder is neither written nor read', () => {
  assert.throws(() => packTar([{ name: '../etc/passwd', data: Buffer.alloc(1), mtime: at }]), /refusing/);
  const tar = packTar([{ name: 'xxetc/passwd', data: Buffer.alloc(1), mtime: at }]);
  tar.write('../', 0, 'ascii');
  assert.throws(() => unpackTar(fixSum(tar)), /outside its folder/);
});

test('a link, a damaged header or a cut archive is refused', () => {
  const tar = packTar([{ name: 'a', data: Buffer.alloc(10), mtime: at }]);
  const link = Buffer.from(tar);
  link[156] = '2'.charCodeAt(0); // a symbolic link
  assert.throws(() => unpackTar(link), /checksum/, 'the type byte is under the checksum');
  assert.throws(() => unpackTar(fixSum(link)), /not a file/);
  const damaged = Buffer.from(tar);
  damaged[0] = 'b'.charCodeAt(0);
  assert.throws(() => unpackTar(damaged), /checksum/);
  assert.throws(() => unpackTar(tar.subarray(0, 512 + 5)), /cut short/);
});

test.run();
