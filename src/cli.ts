/**
 * The `autocom` command. Every option has an environment equivalent (AUTOCOM_*), and the
 * command line wins over the environment, which wins over the defaults.
 */
// First: it caps V8's young generation while the rest of the exchange loads and boots.
import './boot/young-generation.js';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { ConfigError } from '../common/errors.js';
import { VERSION } from './version.js';
import { DEFAULTS, DEFAULT_TLS_PORT } from './main.js';
import { runStart } from './cli/start.js';
import { runStatus } from './cli/status.js';
import { runConfig } from './cli/config.js';
import { runUser } from './cli/user.js';
import { parseFrontProxy } from './channels/sip/front-proxy.js';

const HELP = `autocom ${VERSION} — small-office telephone exchange

Usage:
  autocom start [--board FILE] [--data DIR] [--config FILE.yaml] [--bind ADDR]
                [--advertise ADDR] [--sip-port N] [--http-port N] [--log-level LEVEL]
      --bind 0.0.0.0 serves phones on every interface; --advertise ADDR is the address
      they reach the box at behind NAT (written in Via, Contact and SDP)
                [--front-proxy ADDR[:PORT]]
      --front-proxy: the box is an application server behind Kamailio (deploy/kamailio):
      phones register there, its calls are trusted by address, calls to phones go there
      [--tls-port N] is the port other sites of the network reach this one on (SIP over
      TLS, default 5061; used once the configuration names site.id)
  autocom status [--bind ADDR] [--http-port N] [--data DIR]
  autocom config import FILE.yaml [--data DIR]   replace the configuration (a running
                                                exchange applies it without a restart)
  autocom config export [--with-state] [--data DIR]
                                                print the configuration as YAML; --with-state
                                                adds the forwarding and do-not-disturb phones
                                                set (live_state:, restored by import)
  autocom config validate FILE.yaml [--data DIR]
                                                check a file without importing it (forwarding
                                                to another site: by DIR's network state)
  autocom config schema                         print the configuration's JSON Schema
  autocom user passwd EXTENSION [--data DIR]    give an employee a new generated password
  autocom --help | --version

Environment: AUTOCOM_BOARD, AUTOCOM_DATA, AUTOCOM_CONFIG, AUTOCOM_BIND, AUTOCOM_ADVERTISE,
AUTOCOM_SIP_PORT, AUTOCOM_HTTP_PORT, AUTOCOM_LOG_LEVEL, AUTOCOM_FRONT_PROXY, AUTOCOM_TLS_PORT.
Defaults: --board ${DEFAULTS.board} --data ${DEFAULTS.data} --bind ${DEFAULTS.bind} --sip-port ${DEFAULTS.sipPort} --http-port ${DEFAULTS.httpPort} --log-level ${DEFAULTS.logLevel}
`;

export interface CliOptions {
  board: string;
  data: string;
  config: string | undefined;
  bind: string;
  /** Address advertised to phones instead of the local one (NAT); an IP literal. */
  advertise: string | undefined;
  sipPort: number;
  /** Port of the network of sites (SIP over TLS). */
  tlsPort: number;
  httpPort: number;
  logLevel: string;
  /** The front proxy (Kamailio) the box serves behind, `ADDR[:PORT]`, checked. */
  frontProxy?: string;
  /** `config export --with-state`: add the live state (forwarding, DND) to the export. */
  withState?: boolean;
}

/** Thrown for a wrong command line; main prints it with the hint to --help. */
export class UsageError extends Error {}

function ipLiteral(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (isIP(value) === 0) throw new UsageError(`${name} must be an IPv4 or IPv6 address, got "${value}"`);
  return value;
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number 0-65535, got "${value}"`);
  return n;
}

function frontProxyOption(value: string | undefined): { frontProxy?: string } {
  if (value === undefined || value === '') return {};
  try {
    parseFrontProxy(value);
  } catch (err) {
    throw new UsageError(`--front-proxy ${(err as Error).message}`);
  }
  return { frontProxy: value };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      board: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      bind: { type: 'string' },
      advertise: { type: 'string' },
      'sip-port': { type: 'string' },
      'tls-port': { type: 'string' },
      'http-port': { type: 'string' },
      'log-level': { type: 'string' },
      'with-state': { type: 'boolean' },
      'front-proxy': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const env = process.env;
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const opts: CliOptions = {
    board: values.board ?? env.AUTOCOM_BOARD ?? DEFAULTS.board,
    data: values.data ?? env.AUTOCOM_DATA ?? DEFAULTS.data,
    config: values.config ?? env.AUTOCOM_CONFIG,
    bind: values.bind ?? env.AUTOCOM_BIND ?? DEFAULTS.bind,
    advertise: ipLiteral(values.advertise ?? env.AUTOCOM_ADVERTISE, '--advertise'),
    sipPort: port(values['sip-port'] ?? env.AUTOCOM_SIP_PORT ?? String(DEFAULTS.sipPort), '--sip-port'),
    tlsPort: port(values['tls-port'] ?? env.AUTOCOM_TLS_PORT ?? String(DEFAULT_TLS_PORT), '--tls-port'),
    httpPort: port(values['http-port'] ?? env.AUTOCOM_HTTP_PORT ?? String(DEFAULTS.httpPort), '--http-port'),
    logLevel: values['log-level'] ?? env.AUTOCOM_LOG_LEVEL ?? DEFAULTS.logLevel,
    ...(values['with-state'] ? { withState: true } : {}),
    ...frontProxyOption(values['front-proxy'] ?? env.AUTOCOM_FRONT_PROXY),
  };
  const [command, ...rest] = positionals;
  switch (command) {
    case 'start':
      return runStart(opts);
    case 'status':
      return runStatus(opts);
    case 'config':
      return runConfig(opts, rest);
    case 'user':
      return runUser(opts, rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`autocom: configuration rejected, nothing was changed:\n${err.issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`);
    process.exitCode = 1;
  } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`autocom: ${(err as Error).message}\nRun "autocom --help" for usage.`);
    process.exitCode = 2;
  } else {
    console.error(`autocom: ${(err as Error).message ?? err}`);
    process.exitCode = 1;
  }
}
