/** The example configuration, loaded from test/fixtures/config/example.yaml. */
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../src/config/yaml.js';

export const EXAMPLE_PATH = new URL('../fixtures/config/example.yaml', import.meta.url).pathname;
export const EXAMPLE_YAML = readFileSync(EXAMPLE_PATH, 'utf8');

/** A fresh deep copy of the example, safe to mutate in a test. */
export function example(): any {
  return parseYaml(EXAMPLE_YAML);
}
