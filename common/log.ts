import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured logs: one JSON line per event on stderr (stdout stays for the CLI's own
 * output such as the ready line and `config export`). The level comes from the caller,
 * which reads `--log-level` / `AUTOCOM_LOG_LEVEL`.
 */
export function createLogger(level: LevelWithSilent | string = 'info', name = 'autocom'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything, for unit tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
