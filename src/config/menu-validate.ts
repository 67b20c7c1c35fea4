/**
 * Cross-reference checks of the voice menus: every key's and default's target exists (a
 * department, an employee, a submenu), the types kept for later issues are refused as not
 * available yet, and no menu loop lacks an exit. A caller who presses nothing follows the
 * defaults: when those lead from menu to menu back to where they started (a submenu's
 * default `back` returns to every menu that leads to it), that caller would go round for
 * ever, so the configuration is refused with the loop's path. Each issue carries its path.
 */
import { findMailbox } from './mailboxes.js';
import type { ConfigIssue } from '../../common/errors.js';
import { MENU_ACTIONS_NOT_YET, type Menu, type MenuAction } from './menu-schema.js';
import type { Config } from './schema.js';

export function menuIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const menus = c.menus ?? [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const departments = new Set(c.departments.map((d) => d.extension));
  const byExtension = new Map(menus.map((m) => [m.extension, m]));

  const check = (path: string, a: MenuAction, self: Menu, isDefault: boolean): void => {
    if (MENU_ACTIONS_NOT_YET.includes(a.type)) {
      issues.push({ path: `${path}.type`, message: `"${a.type}" is not available yet (this firmware has no queues)` });
      return;
    }
    if (a.type === 'repeat' || a.type === 'back' || a.type === 'hangup') {
      if (a.target !== undefined) issues.push({ path: `${path}.target`, message: `${a.type} has no target` });
      if (isDefault && a.type === 'repeat') issues.push({ path: `${path}.type`, message: 'the default cannot be repeat: a caller who presses nothing would hear the menu for ever' });
      return;
    }
    if (a.type === 'disa') {
      if (!self.disa) issues.push({ path: `${path}.type`, message: 'outside-line access (disa) is off: give the menu disa.pins (each PIN with the employee whose rights it has)' });
      if (isDefault) issues.push({ path: `${path}.type`, message: 'outside-line access needs a key of its own, not the default' });
      return;
    }
    if (a.message !== undefined) issues.push({ path: `${path}.message`, message: 'only hangup plays a message' });
    if (a.target === undefined) return void issues.push({ path: `${path}.target`, message: `a ${a.type} destination needs a target` });
    if (a.type === 'department' && !departments.has(a.target)) issues.push({ path: `${path}.target`, message: `"${a.target}" is not the extension of any department` });
    if (a.type === 'employee' && !employees.has(a.target)) issues.push({ path: `${path}.target`, message: `"${a.target}" is not the extension of any employee` });
    if (a.type === 'voicemail' && !findMailbox(c, a.target)) {
      issues.push({ path: `${path}.target`, message: `"${a.target}" is not a mailbox (an employee or department with voicemail, or a mailbox's extension)` });
    }
    if (a.type === 'queue' && !(c.queues ?? []).some((q) => q.extension === a.target)) issues.push({ path: `${path}.target`, message: `"${a.target}" is not the extension of any queue` });
    if (a.skills !== undefined && a.type !== 'queue') issues.push({ path: `${path}.skills`, message: 'only a queue choice takes skills' });
    if (a.type === 'menu' && !byExtension.has(a.target)) issues.push({ path: `${path}.target`, message: `"${a.target}" is not the extension of any voice menu` });
    if (a.type === 'menu' && a.target === self.extension) issues.push({ path: `${path}.target`, message: 'a menu cannot lead to itself (use repeat)' });
  };

  menus.forEach((m, i) => {
    const pins = new Set<string>();
    m.disa?.pins.forEach((p, j) => {
      if (!employees.has(p.rights_of)) issues.push({ path: `menus[${i}].disa.pins[${j}].rights_of`, message: `"${p.rights_of}" is not the extension of any employee` });
      if (pins.has(p.pin)) issues.push({ path: `menus[${i}].disa.pins[${j}].pin`, message: 'is listed twice' }); // the PIN itself is never echoed
      pins.add(p.pin);
    });
    for (const [key, a] of Object.entries(m.choices)) if (a) check(`menus[${i}].choices.${key}`, a, m, false);
    if (m.default) check(`menus[${i}].default`, m.default, m, true);
  });

  // The silence path: menu → the menus its default leads to (a submenu; `back`: every menu leading here).
  const parents = new Map<string, string[]>();
  for (const m of menus) {
    for (const a of [...Object.values(m.choices), m.default]) {
      if (a?.type === 'menu' && a.target && a.target !== m.extension) parents.set(a.target, [...(parents.get(a.target) ?? []), m.extension]);
    }
  }
  const next = (m: Menu): string[] => {
    if (m.default?.type === 'menu' && m.default.target && byExtension.has(m.default.target)) return [m.default.target];
    if (m.default?.type === 'back') return [...new Set(parents.get(m.extension) ?? [])];
    return [];
  };
  const reported = new Set<string>();
  menus.forEach((start, i) => {
    const walk = (m: Menu, trail: string[]): void => {
      for (const n of next(m)) {
        if (n === start.extension) {
          const loop = [...trail, n];
          const id = [...loop.slice(0, -1)].sort().join(',');
          if (!reported.has(id)) {
            reported.add(id);
            issues.push({ path: `menus[${i}].default`, message: `voice menus loop without exit when the caller presses nothing (${loop.join(' → ')})` });
          }
        } else if (!trail.includes(n)) walk(byExtension.get(n)!, [...trail, n]);
      }
    };
    walk(start, [start.extension]);
  });
  return issues;
}
