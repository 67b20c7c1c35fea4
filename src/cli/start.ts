/** `autocom start`: run the exchange in the foreground until SIGTERM/SIGINT. */
import { startExchange } from '../main.js';
import type { CliOptions } from '../cli.js';
import { createLogger, RecentWarnings } from '../../common/log.js';
import { deliverFirstStartSecrets } from './first-start-secrets.js';
import { letYoungGenerationGrow } from '../boot/young-generation.js';

export async function runStart(opts: CliOptions): Promise<number> {
  const recentWarnings = new RecentWarnings(); // the System screen lists them
  const log = createLogger(opts.logLevel, 'autocom', recentWarnings);
  const exchange = await startExchange({ ...opts, ...(opts.config ? { config: opts.config } : {}), logger: log, recentWarnings });
  if (exchange.seeded) {
    // Only a person at a terminal sees stdout alone; a pipe or a service manager keeps it in a log.
    try {
      deliverFirstStartSecrets(exchange.seeded, { dataDir: opts.data, interactive: process.stdout.isTTY === true, print: (l) => console.log(l), log });
    } catch (err) {
      await exchange.close(); // an exchange whose admin password nobody can know is no use
      throw err;
    }
  }
  letYoungGenerationGrow(); // boot is over: traffic gets V8's usual young generation
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
