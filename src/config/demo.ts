/**
 * The demo office seeded on the first start of an empty data folder: the example of the
 * README on the emulated board (2 city lines × 6 analog extensions, the front door with its
 * station on FXS 6). Passwords, SIP secrets and the door's opening code are generated at
 * that moment and shown once; there is no default password or code.
 */
import { randomInt } from 'node:crypto';
import { generateSecret } from '../store/password.js';
import type { ConfigInput } from './schema.js';

export interface DemoSeed {
  config: ConfigInput;
  adminExtension: string;
  adminPassword: string;
  sipSecrets: Record<string, string>;
  /** The front door's opening code (issue 17: no default code; generated and shown once). */
  doorCode: string;
}

/** The sim board's front door (board/sim.yaml): its button, lock relay and contact; the door station on FXS 6. */
export const DEMO_DOOR = 'Front door';

export function demoConfig(): DemoSeed {
  const adminPassword = generateSecret(16);
  const sipSecrets = { '201': generateSecret(20), '202': generateSecret(20) };
  const doorCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return {
    adminExtension: '201',
    adminPassword,
    sipSecrets,
    doorCode,
    config: {
      site: { name: 'Demo office', country: 'fr' },
      employees: [
        { name: 'Galina Ivanovna', extension: '201', role: 'admin', password: adminPassword, devices: [{ type: 'sip', secret: sipSecrets['201'] }] },
        { name: 'Semyon Petrovich', extension: '202', role: 'user', devices: [{ type: 'sip', secret: sipSecrets['202'] }] },
        { name: 'Reception', extension: '101', devices: [{ type: 'fxs', port: 1 }] },
        { name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }] },
        // The sim board's three DECT handsets (board/sim.yaml), along its corridor.
        { name: 'Warehouse 1', extension: '301', devices: [{ type: 'dect', ipei: '0077A 1000301' }] },
        { name: 'Warehouse 2', extension: '302', devices: [{ type: 'dect', ipei: '0077A 1000302' }] },
        { name: 'Warehouse 3', extension: '303', devices: [{ type: 'dect', ipei: '0077A 1000303' }] },
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
      doors: [{
        name: DEMO_DOOR, button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: 5,
        contact: { input: 'front-door-contact' }, ring: { day: ['101', '201'], night: ['201'] }, code: doorCode, allowed: ['101', '201'],
      }],
    },
  };
}
