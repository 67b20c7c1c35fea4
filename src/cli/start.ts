/** `autocom start`: run the exchange in the foreground until SIGTERM/SIGINT. */
import { startExchange } from '../main.js';
import type { CliOptions } from '../cli.js';

export async function runStart(opts: CliOptions): Promise<number> {
  const exchange = await startExchange({ ...opts, ...(opts.config ? { config: opts.config } : {}) });
  if (exchange.seeded) {
    const s = exchange.seeded;
    console.log('First start: a demo office was created (see README). Write these down, they are shown only once:');
    console.log(`  web login (admin): extension ${s.adminExtension}, password ${s.adminPassword}`);
    for (const [ext, secret] of Object.entries(s.sipSecrets)) console.log(`  SIP phone ${ext}: username ${ext}, secret ${secret}`);
  }
  console.log(`autocom ready: http://${exchange.http.host}:${exchange.http.port} sip:${exchange.sip.host}:${exchange.sip.port}`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      console.log(`autocom: ${signal} received, shutting down`);
      exchange.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
