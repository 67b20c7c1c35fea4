/**
 * `autocom config import|export|validate|schema`. Import and export work on the data
 * folder directly, whether or not the exchange runs: SQLite's WAL lets both processes
 * use the file, and a running exchange notices the new revision and applies it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, closeDatabase } from '../store/db.js';
import { ConfigRepository } from '../store/config-repo.js';
import { prepareConfig } from '../config/prepare.js';
import { validateConfig } from '../config/validate.js';
import { configJsonSchema } from '../config/schema.js';
import { configToYaml, parseYaml } from '../config/yaml.js';
import { UsageError, type CliOptions } from '../cli.js';

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

export async function runConfig(opts: CliOptions, args: string[]): Promise<number> {
  const [sub, file] = args;
  switch (sub) {
    case 'import': {
      const input = readConfigFile(file);
      const db = openDatabase(resolve(opts.data));
      try {
        const prepared = await prepareConfig(input, new ConfigRepository(db).load()); // keeps the hashes of unchanged passwords
        const revision = new ConfigRepository(db).replace(prepared, `cli import ${file}`);
        console.error(`autocom: configuration imported from ${file} (revision ${revision})`);
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
        process.stdout.write(configToYaml(config));
      } finally {
        closeDatabase(db);
      }
      return 0;
    }
    case 'validate':
      validateConfig(readConfigFile(file));
      console.error(`autocom: ${file} is a valid configuration`);
      return 0;
    case 'schema':
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    default:
      throw new UsageError(`unknown config command "${sub ?? ''}" (import, export, validate, schema)`);
  }
}
