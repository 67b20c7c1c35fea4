/**
 * Turning an installer's configuration into what the store keeps: validated, clear
 * passwords replaced by scrypt hashes, and a strong secret generated for every SIP device
 * that has none (there is no default secret).
 *
 * A clear password that the configuration in force already holds for that extension keeps
 * its stored hash: re-importing the installer's file after editing a department is not a
 * password change, and must not sign the employee out of the web UI (a fresh hash would
 * change the session's credential generation, see store/session-repo.ts).
 */
import { generateSecret, hashPassword, isPasswordHash, verifyPassword } from '../store/password.js';
import { ConfigError } from '../../common/errors.js';
import { validateConfig, type ValidateOptions } from './validate.js';
import type { Config } from './schema.js';

/**
 * @param previous the configuration in force, whose hashes are kept for unchanged passwords.
 * @param opts what the check knows beyond the file (the other sites' ranges), where warnings go.
 * @throws ConfigError listing every problem.
 */
export async function prepareConfig(input: unknown, previous?: Readonly<Config> | null, opts: ValidateOptions = {}): Promise<Config> {
  const config = validateConfig(input, opts);
  const badHashes = config.employees
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.password_hash !== undefined && !isPasswordHash(e.password_hash));
  if (badHashes.length) {
    throw new ConfigError(badHashes.map(({ i }) => ({ path: `employees[${i}].password_hash`, message: 'is not a valid scrypt hash' })));
  }
  const employees = await Promise.all(
    config.employees.map(async (e) => {
      const { password, ...rest } = e;
      const devices = e.devices.map((d) => (d.type === 'sip' && !d.secret ? { ...d, secret: generateSecret(20) } : d));
      if (password === undefined) return { ...rest, devices };
      const kept = previous?.employees.find((p) => p.extension === e.extension)?.password_hash;
      return { ...rest, password_hash: kept && (await verifyPassword(password, kept)) ? kept : await hashPassword(password), devices };
    }),
  );
  // A door's opening code, as a password: only its hash is kept (and exported).
  const doors = await Promise.all(
    (config.doors ?? []).map(async (d) => {
      const { code, ...rest } = d;
      if (code === undefined) return rest;
      const kept = previous?.doors?.find((p) => p.name === d.name)?.code_hash;
      return { ...rest, code_hash: kept && (await verifyPassword(code, kept)) ? kept : await hashPassword(code) };
    }),
  );
  return { ...config, employees, ...(config.doors ? { doors } : {}) };
}
