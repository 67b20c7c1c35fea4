/**
 * Who may speak SIP to the exchange, from the configuration in force: each employee with
 * SIP devices, and the digest secrets of those devices (username = extension).
 */
import type { Config, Employee } from '../../config/schema.js';

export class SipDirectory {
  private secrets = new Map<string, string[]>();
  private employees = new Map<string, Employee>();

  constructor(config: Readonly<Config> | null) {
    this.update(config);
  }

  /** Re-read a new configuration snapshot (calls in progress keep their legs). */
  update(config: Readonly<Config> | null): void {
    const secrets = new Map<string, string[]>();
    const employees = new Map<string, Employee>();
    for (const e of config?.employees ?? []) {
      employees.set(e.extension, e);
      const s = e.devices.flatMap((d) => (d.type === 'sip' && d.secret ? [d.secret] : []));
      if (s.length) secrets.set(e.extension, s);
    }
    this.secrets = secrets;
    this.employees = employees;
  }

  /** The device secrets of an extension (one per SIP device), empty when it has none. */
  secretsOf(extension: string): readonly string[] {
    return this.secrets.get(extension) ?? [];
  }

  employee(extension: string): Employee | undefined {
    return this.employees.get(extension);
  }

  /** Extensions that may register (for dropping bindings of removed employees). */
  sipExtensions(): string[] {
    return [...this.secrets.keys()];
  }
}
