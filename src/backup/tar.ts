/**
 * A small POSIX ustar writer and reader (IEEE Std 1003.1-2001, "pax" interchange format's
 * ustar header), for the whole-box archive: regular files only, in memory, names up to 255
 * bytes (the `prefix` field), each header's checksum verified on reading. What `tar -xzf`
 * on any desktop opens, and what the box reads back — nothing else (no links, no devices:
 * an archive that holds them is refused, so a restore can never write outside its folder).
 */
import { ArchiveError } from './errors.js';

export interface TarEntry {
  /** A relative path with `/` separators, no `..`, not absolute. */
  name: string;
  data: Buffer;
  /** Epoch ms. */
  mtime: number;
}

const BLOCK = 512;

/** Whether `name` stays inside the folder it is unpacked to. */
export function safeName(name: string): boolean {
  return name.length > 0 && !name.startsWith('/') && !name.includes('\\') && !name.includes('\0') && name.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = Buffer.from(e.name, 'utf8');
  let base = name;
  let prefix = Buffer.alloc(0);
  if (name.length > 100) {
    // Split at a slash so that the prefix holds ≤ 155 bytes and the name ≤ 100.
    const cut = name.lastIndexOf(0x2f, 155);
    if (cut <= 0 || name.length - cut - 1 > 100) throw new ArchiveError(`the path ${e.name} is too long for the archive`);
    prefix = name.subarray(0, cut);
    base = name.subarray(cut + 1);
  }
  base.copy(h, 0);
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(e.data.length, 12), 124, 'ascii');
  h.write(octal(Math.floor(e.mtime / 1000), 12), 136, 'ascii');
  h.fill(0x20, 148, 156); // the checksum counts itself as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  prefix.copy(h, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

export function packTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (!safeName(e.name)) throw new ArchiveError(`refusing to archive the path ${e.name}`);
    parts.push(header(e), e.data);
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2)); // the end of the archive: two zero blocks
  return Buffer.concat(parts);
}

const text = (b: Buffer, from: number, len: number): string => {
  const s = b.subarray(from, from + len);
  const end = s.indexOf(0);
  return s.subarray(0, end === -1 ? len : end).toString('utf8');
};

function readOctal(b: Buffer, from: number, len: number): number {
  const s = text(b, from, len).trim();
  if (!/^[0-7]*$/.test(s)) throw new ArchiveError('not a tar archive (a bad number in a header)');
  return s ? parseInt(s, 8) : 0;
}

/** Every regular file of a ustar archive. @throws ArchiveError when it is not one, is cut short, or holds anything but files and folders. */
export function unpackTar(tar: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return out;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (readOctal(h, 148, 8) !== sum) throw new ArchiveError('not a tar archive (a header\'s checksum is wrong)');
    const size = readOctal(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const prefix = text(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(h, 0, 100);
    const start = at + BLOCK;
    if (start + size > tar.length) throw new ArchiveError('the archive is cut short');
    if (type === '0' || type === '\0') {
      if (!safeName(name)) throw new ArchiveError(`the archive holds a path outside its folder: ${name}`);
      out.push({ name, data: Buffer.from(tar.subarray(start, start + size)), mtime: readOctal(h, 136, 12) * 1000 });
    } else if (type !== '5') {
      throw new ArchiveError(`the archive holds something that is not a file (${name}, type ${type})`);
    }
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new ArchiveError('the archive is cut short (no end marker)');
}
