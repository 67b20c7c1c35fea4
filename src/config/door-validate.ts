/**
 * Cross-references of the doors (door-schema.ts): names unique, the phones that ring and
 * those allowed to open exist, an FXS door station's port is nobody's telephone, a SIP door
 * station is an extension of its own. The board's relay and input names are checked at boot
 * (src/doors/door-hardware.ts), where the board is known.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from './schema.js';

export function doorIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const departments = new Set(c.departments.map((d) => d.extension));
  const fxsOwners = new Map(c.employees.flatMap((e) => e.devices.flatMap((d) => (d.type === 'fxs' ? [[d.port, e.name] as const] : []))));
  const names = new Set<string>();
  (c.doors ?? []).forEach((d, i) => {
    const at = `doors[${i}]`;
    if (names.has(d.name)) issues.push({ path: `${at}.name`, message: `"${d.name}" is the name of another door` });
    names.add(d.name);
    if (d.code !== undefined && d.code_hash !== undefined) issues.push({ path: at, message: 'give either code or code_hash, not both' });
    const lists = Array.isArray(d.ring) ? [['ring', d.ring] as const] : Object.entries(d.ring).map(([m, l]) => [`ring.${m}`, l ?? []] as const);
    for (const [key, list] of lists) {
      list.forEach((x, j) => {
        if (!employees.has(x) && !departments.has(x)) issues.push({ path: `${at}.${key}[${j}]`, message: `"${x}" is not an employee's or department's extension` });
      });
    }
    d.allowed.forEach((x, j) => {
      if (!employees.has(x) && !departments.has(x)) issues.push({ path: `${at}.allowed[${j}]`, message: `"${x}" is not an employee's or department's extension` });
    });
    (d.time_profiles ?? []).forEach((p, j) => {
      p.who.forEach((x, k) => {
        if (!d.allowed.includes(x)) issues.push({ path: `${at}.time_profiles[${j}].who[${k}]`, message: `"${x}" is not in the door's allowed list: a time profile only limits when those allowed may open` });
      });
      for (const [day, periods] of Object.entries(p)) {
        if (day === 'who' || !Array.isArray(periods)) continue;
        (periods as string[]).forEach((x, k) => {
          const [from, to] = x.split('-');
          if (from! >= to!) issues.push({ path: `${at}.time_profiles[${j}].${day}[${k}]`, message: `"${x}" ends before it starts` });
        });
      }
    });
    if ('fxs' in d.audio && fxsOwners.has(d.audio.fxs)) {
      issues.push({ path: `${at}.audio.fxs`, message: `FXS port ${d.audio.fxs} is ${fxsOwners.get(d.audio.fxs)}'s telephone, not a door station` });
    }
    for (const [key, v] of [['button', d.button], ['audio', d.audio]] as const) {
      if ('sip' in v && !employees.has(v.sip)) issues.push({ path: `${at}.${key}.sip`, message: `"${v.sip}" is not an extension: register the SIP door station as an employee's device of its own` });
    }
    if ('fxs' in d.button && !('fxs' in d.audio && d.audio.fxs === d.button.fxs)) {
      issues.push({ path: `${at}.audio`, message: 'an analog door station\'s button lifts its own line: give the same FXS port for its button and its audio' });
    }
    if ('sip' in d.button && !('sip' in d.audio && d.audio.sip === d.button.sip)) {
      issues.push({ path: `${at}.audio`, message: 'a SIP door station\'s call is its button and its audio: give the same extension for both' });
    }
  });
  return issues;
}
