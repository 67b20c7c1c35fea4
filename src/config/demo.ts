/**
 * The demo office seeded on the first start of an empty data folder: the example of the
 * README on the emulated board (2 city lines × 6 analog extensions). Passwords and SIP
 * secrets are generated at that moment and shown once; there is no default password.
 */
import { generateSecret } from '../store/password.js';
import type { ConfigInput } from './schema.js';

export interface DemoSeed {
  config: ConfigInput;
  adminExtension: string;
  adminPassword: string;
  sipSecrets: Record<string, string>;
}

export function demoConfig(): DemoSeed {
  const adminPassword = generateSecret(16);
  const sipSecrets = { '201': generateSecret(20), '202': generateSecret(20) };
  return {
    adminExtension: '201',
    adminPassword,
    sipSecrets,
    config: {
      site: { name: 'Demo office', country: 'fr' },
      employees: [
        { name: 'Galina Ivanovna', extension: '201', role: 'admin', password: adminPassword, devices: [{ type: 'sip', secret: sipSecrets['201'] }] },
        { name: 'Semyon Petrovich', extension: '202', role: 'user', devices: [{ type: 'sip', secret: sipSecrets['202'] }] },
        { name: 'Reception', extension: '101', devices: [{ type: 'fxs', port: 1 }] },
        { name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }] },
      ],
      departments: [{ name: 'Sales', extension: '600', strategy: 'all_at_once', members: ['201', '202'] }],
      lines: [
        { name: 'City 1', type: 'fxo', port: 1 },
        { name: 'City 2', type: 'fxo', port: 2 },
      ],
      numbers: [
        { number: '0140000001', line: 'City 1', route: { type: 'department', target: '600' } },
        { number: '0140000002', line: 'City 2', route: { type: 'employee', target: '101' } },
      ],
    },
  };
}
