/**
 * Preloaded by test/run.ts into every test file: uvu swallows an error thrown by a
 * `test.before` / `test.after` hook (its runner returns from a `finally`), so a file whose
 * setup failed printed only "(0 / 3)" — in CI, with no way to tell why. This wraps the
 * default suite's hook registration so the error is printed, then rethrown as before.
 */
import { test } from 'uvu';

type Hook = (state: unknown) => unknown;
type Register = ((fn: Hook) => void) & { each: (fn: Hook) => void };

function reporting(kind: string, fn: Hook): Hook {
  return async (state) => {
    try {
      return await fn(state);
    } catch (err) {
      console.error(`HOOK FAILED: test.${kind} threw:`, err);
      throw err;
    }
  };
}

const suite = test as unknown as Record<'before' | 'after', Register>;
for (const key of ['before', 'after'] as const) {
  const register = suite[key];
  const each = register.each;
  suite[key] = Object.assign((fn: Hook) => register(reporting(key, fn)), { each: (fn: Hook) => each(reporting(`${key}.each`, fn)) });
}
