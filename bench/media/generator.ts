/**
 * Starts the phones of the media benchmark: rtp-load.c for relayed calls, conf-phones.c for
 * conference members (why C: see their headers), compiled on first use with the system C
 * compiler into bench/media/.build/ (ignored by git) and rebuilt when the source is newer.
 * Lines go in on their stdin and come back on their stdout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';


export interface Generator {
  readonly pid: number;
  /** Send one line and wait for the generator's next output line. */
  exchange(line: string): Promise<string>;
  kill(): void;
}

/** bench/media/NAME.c compiled to .build/NAME (when missing or older than its source); its path. */
export function buildTool(name: string, libs: string[] = []): string {
  const source = new URL(`./${name}.c`, import.meta.url).pathname;
  const binary = new URL(`./.build/${name}`, import.meta.url).pathname;
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  mkdirSync(new URL('./.build/', import.meta.url).pathname, { recursive: true });
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', binary, source, ...libs], { stdio: 'inherit' });
  } catch (err) {
    throw new Error(`cannot build ${name}.c (needs a C compiler: apt-get install gcc): ${(err as Error).message}`);
  }
  return binary;
}

export async function startGenerator(): Promise<Generator> {
  const binary = buildTool('rtp-load');
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w(`exited ${code}`);
  });
  return {
    pid: child.pid!,
    exchange(line) {
      const next = new Promise<string>((resolve) => waiting.push(resolve));
      child.stdin!.write(`${line}\n`);
      return next;
    },
    kill: () => child.kill(),
  };
}
