/**
 * `autocom config import|export|validate|schema`. Import and export work on the data
 * folder directly, whether or not the exchange runs: SQLite's WAL lets both processes
 * use the file, and a running exchange notices the new revision and applies it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase, closeDatabase } from '../store/db.js';
import { ConfigRepository } from '../store/config-repo.js';
import { prepareConfig } from '../config/prepare.js';
import { validateConfig } from '../config/validate.js';
import { configJsonSchema } from '../config/schema.js';
import { configToYaml, parseYaml } from '../config/yaml.js';
import { UsageError, type CliOptions } from '../cli.js';
import { ConfigError } from '../../common/errors.js';
import { LiveStateRepository } from '../store/live-state.js';
import { VoicemailRepository } from '../store/voicemail-repo.js';
import { exportVoicemail, importVoicemail } from '../store/voicemail-state.js';
import { archiveRemovedBoxes } from '../config/mailboxes.js';
import { LIVE_STATE_KEY, liveStateIssues, splitLiveState } from './config-state.js';
import { readPeerKnowledge } from '../config/peer-ranges.js';
import type { ConfigIssue } from '../../common/errors.js';

/**
 * The other sites' ranges as the data folder's network state knows them (config/peer-ranges.ts),
 * for forwarding to a colleague at another site; `input`: the file, whose `site.id` is this site.
 */
function peerCheck(opts: CliOptions, input: unknown): { peers: ReturnType<typeof readPeerKnowledge>; warnings: ConfigIssue[] } {
  const id = (input as { site?: { id?: unknown } } | null)?.site?.id;
  return { peers: readPeerKnowledge(resolve(opts.data), typeof id === 'string' ? id : undefined), warnings: [] };
}

function printWarnings(warnings: ConfigIssue[]): void {
  for (const w of warnings) console.error(`autocom: warning: ${w.path}: ${w.message}`);
}

function readConfigFile(file: string | undefined): unknown {
  if (!file) throw new UsageError('give the configuration file: autocom config import FILE.yaml');
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return parseYaml(text, file);
}

/** The mailboxes' store of the data folder (the audio in <data>/voicemail). */
function voicemailRepo(opts: CliOptions, db: ReturnType<typeof openDatabase>): VoicemailRepository {
  return new VoicemailRepository(db, join(resolve(opts.data), 'voicemail'));
}

export async function runConfig(opts: CliOptions, args: string[]): Promise<number> {
  const [sub, file] = args;
  switch (sub) {
    case 'import': {
      // The live state (forwarding, DND) is not configuration: kept, or restored from a `--with-state` export.
      const { config: input, state } = splitLiveState(readConfigFile(file));
      const db = openDatabase(resolve(opts.data));
      try {
        const check = peerCheck(opts, input);
        const prepared = await prepareConfig(input, new ConfigRepository(db).load(), check); // keeps the hashes of unchanged passwords
        const stateIssues = state ? liveStateIssues(prepared, state, check.peers, check.warnings) : [];
        if (stateIssues.length) throw new ConfigError(stateIssues);
        printWarnings(check.warnings);
        const live = new LiveStateRepository(db);
        const { revision, gone, voicemail, archived } = db.transaction(() => {
          const revision = new ConfigRepository(db).replace(prepared, `cli import ${file}`);
          if (state) live.restore(state, `cli import ${file}`);
          const voicemail = state?.voicemail ? importVoicemail(voicemailRepo(opts, db), state.voicemail) : undefined;
          const archived = archiveRemovedBoxes(voicemailRepo(opts, db), prepared);
          return { revision, gone: live.prune(new Set(prepared.employees.map((e) => e.extension))), voicemail, archived };
        })();
        for (const a of archived) console.error(`autocom: the mailbox of ${a.box} (no such owner any more) is kept as ${a.archivedAs} until purged (DELETE /api/voicemail/${a.archivedAs})`);
        console.error(`autocom: configuration imported from ${file} (revision ${revision})${state ? ', live state restored' : ''}`);
        if (voicemail) console.error(`autocom: voicemail: ${voicemail.restored} message(s) indexed from the export`);
        if (voicemail?.missing.length) console.error(`autocom: voicemail audio not in ${join(resolve(opts.data), 'voicemail')} (unpack the voicemail archive there, then import again): ${voicemail.missing.join(', ')}`);
        if (gone.length) console.error(`autocom: forwarding and do-not-disturb of ${gone.join(', ')} removed: no such employee any more`);
      } finally {
        closeDatabase(db);
      }
      return 0;
    }
    case 'export': {
      const db = openDatabase(resolve(opts.data));
      try {
        const config = new ConfigRepository(db).load();
        if (!config) {
          console.error(`autocom: ${resolve(opts.data)} holds no configuration yet`);
          return 1;
        }
        // Voicemail: PIN hashes and the messages' index; the audio stays in <data>/voicemail (store/voicemail-state.ts).
        const voicemail = opts.withState ? await exportVoicemail(voicemailRepo(opts, db)) : undefined;
        const state = opts.withState ? { [LIVE_STATE_KEY]: { ...new LiveStateRepository(db).all(), ...(Object.keys(voicemail!.boxes).length ? { voicemail } : {}) } } : {};
        process.stdout.write(configToYaml({ ...config, ...state } as typeof config));
      } finally {
        closeDatabase(db);
      }
      return 0;
    }
    case 'validate': {
      const input = readConfigFile(file);
      const check = peerCheck(opts, input);
      validateConfig(input, check);
      printWarnings(check.warnings);
      console.error(`autocom: ${file} is a valid configuration${check.warnings.length ? ` (${check.warnings.length} warning${check.warnings.length > 1 ? 's' : ''})` : ''}`);
      return 0;
    }
    case 'schema':
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    default:
      throw new UsageError(`unknown config command "${sub ?? ''}" (import, export, validate, schema)`);
  }
}
