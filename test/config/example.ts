/** The issue's example configuration, loaded from test/fixtures/config/example.yaml, and what validation says of a changed copy. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../common/errors.js';
import { validateConfig } from '../../src/config/validate.js';
import { parseYaml } from '../../src/config/yaml.js';

export const EXAMPLE_PATH = new URL('../fixtures/config/example.yaml', import.meta.url).pathname;
export const EXAMPLE_YAML = readFileSync(EXAMPLE_PATH, 'utf8');

/** A fresh deep copy of the example, safe to mutate in a test. */
export function example(): any {
  return parseYaml(EXAMPLE_YAML);
}

/**
 * What validateConfig refuses in `input`, one `path: message` line per issue; [] when it is
 * accepted. Anything thrown other than a ConfigError fails the test.
 */
export function configIssues(input: unknown): string[] {
  try {
    validateConfig(input);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
}

/** configIssues of a fresh example once `mutate` has changed it. */
export function exampleIssues(mutate: (c: any) => void): string[] {
  const c = example();
  mutate(c);
  return configIssues(c);
}
