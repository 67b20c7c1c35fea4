/** YAML in and out of a configuration, with parse errors pointing at the line. */
import { parseDocument, stringify } from 'yaml';
import { ConfigError } from '../../common/errors.js';
import type { Config } from './schema.js';

/** Parse YAML text into a plain value. Syntax errors become a ConfigError with the line. */
export function parseYaml(text: string, source = 'configuration'): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: '', message: `${source}: YAML ${e.linePos?.[0] ? `line ${e.linePos[0].line}: ` : ''}${e.message.split('\n')[0]}` })),
    );
  }
  return doc.toJS();
}

/** Serialize a configuration as YAML (what `autocom config export` prints). */
export function configToYaml(config: Config): string {
  return stringify(config, { lineWidth: 0 });
}
