/**
 * Turning an installer's configuration into what the store keeps: validated, clear
 * passwords replaced by scrypt hashes, and a strong secret generated for every SIP device
 * that has none (there is no default secret).
 */
import { generateSecret, hashPassword, isPasswordHash } from '../store/password.js';
import { ConfigError } from '../../common/errors.js';
import { validateConfig } from './validate.js';
import type { Config } from './schema.js';

export async function prepareConfig(input: unknown): Promise<Config> {
  const config = validateConfig(input);
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
      return password !== undefined ? { ...rest, password_hash: await hashPassword(password), devices } : { ...rest, devices };
    }),
  );
  return { ...config, employees };
}
