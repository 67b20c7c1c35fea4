/**
 * `autocom start`: run the exchange in the foreground until SIGTERM/SIGINT.
 *
 * It also restarts the exchange in this same process when the API asks (an admin applies a
 * staged archive of the box: POST /api/archive/pending/apply): the exchange closes cleanly
 * (calls in progress end, stores closed) and starts again on the same data folder, which
 * puts the staged restore in place before the database opens. An appliance has nobody at
 * the console to restart it, and the same process works with or without a service manager.
 * The restart never imports `--config` again: the restored data carries its own. If the
 * exchange cannot start again the process exits 1, so a service manager restarts it
 * (systemd `Restart=on-failure`; see firmware/README.md).
 */
import { startExchange, type Exchange, type StartOptions } from '../main.js';
import type { CliOptions } from '../cli.js';
import { createLogger, RecentWarnings } from '../../common/log.js';
import { deliverFirstStartSecrets } from './first-start-secrets.js';
import { letYoungGenerationGrow } from '../boot/young-generation.js';

export async function runStart(opts: CliOptions): Promise<number> {
  const recentWarnings = new RecentWarnings(); // the System screen lists them
  const log = createLogger(opts.logLevel, 'autocom', recentWarnings);
  let onRestart: (reason: string) => void = () => {};
  const { config: imported, ...rest } = opts;
  const base: StartOptions = { ...rest, logger: log, recentWarnings, onRestartRequested: (reason) => onRestart(reason) };
  let exchange: Exchange = await startExchange({ ...base, ...(imported ? { config: imported } : {}) });
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
  const ready = (): void => console.log(`autocom ready: http://${exchange.http.host}:${exchange.http.port} sip:${exchange.sip.host}:${exchange.sip.port}`);
  ready();
  return new Promise<number>((resolve) => {
    let stopping = false;
    let restarting: Promise<void> | undefined;
    onRestart = (reason) => {
      if (stopping || restarting) return;
      console.log(`autocom: restarting (${reason})`);
      restarting = (async () => {
        await exchange.close();
        exchange = await startExchange(base); // applies the staged restore first
        ready();
      })().then(
        () => {
          restarting = undefined;
        },
        (err: unknown) => {
          log.error({ err }, 'the exchange did not start again after a restart');
          console.error(`autocom: the exchange did not start again: ${(err as Error).message}`);
          stopping = true;
          resolve(1);
        },
      );
    };
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      console.log(`autocom: ${signal} received, shutting down`);
      // A restart under way finishes first: the exchange it starts is the one to close.
      void (restarting ?? Promise.resolve()).then(() => exchange.close()).then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
