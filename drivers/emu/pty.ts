/**
 * A pseudo-terminal pair for emulators: the emulator keeps the master, the driver opens the
 * slave path with serialport exactly as it would open /dev/ttyACM0.
 *
 * Uses node-pty's native `open()` (not its UnixTerminal wrapper, which would also read the
 * slave and steal the driver's bytes). The master is put in raw mode so the tty line
 * discipline neither echoes nor translates bytes (CR/LF, ^C, ^S…). The emulator also keeps the
 * slave fd open without reading it: on Linux, reading a master whose slave is closed by
 * everyone fails with EIO, which would happen each time the driver closes and reopens the port.
 */
import { closeSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import tty from 'node:tty';

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

const native = (createRequire(import.meta.url)('node-pty') as { native: NativePty | null }).native;

export interface PtyPair {
  /** The slave device path (/dev/pts/N): what the driver opens. */
  readonly path: string;
  /** Bytes written by the driver. */
  onData(listener: (chunk: Buffer) => void): void;
  write(bytes: Buffer): void;
  /** Close both ends: the driver sees its port close (as a USB unplug). Idempotent. */
  close(): void;
}

export function openPty(): PtyPair {
  if (!native) throw new Error('node-pty native module unavailable on this platform');
  const { master, slave, pty } = native.open(80, 24);
  const stream = new tty.ReadStream(master);
  stream.setRawMode(true);
  let closed = false;
  stream.on('error', () => {}); // EIO once the other side is gone: close() follows
  return {
    path: pty,
    onData: (l) => stream.on('data', (d: Buffer | string) => l(Buffer.isBuffer(d) ? d : Buffer.from(d, 'latin1'))),
    write: (bytes) => {
      // The ReadStream is a net.Socket: writing through it keeps frames in order (as node-pty does).
      if (!closed) stream.write(bytes);
    },
    close: () => {
      if (closed) return;
      closed = true;
      stream.destroy(); // closes the master fd
      try {
        closeSync(slave);
      } catch {
        /* already closed */
      }
    },
  };
}

/** Point `link` at `target` atomically (like a udev /dev/serial/by-id symlink). */
export function pointLink(link: string, target: string): void {
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}
