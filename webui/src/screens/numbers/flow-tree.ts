/**
 * The call flow of a number as a tree, as the hosted PBXs draw it: number → schedule (per
 * office mode) → greeting → menu (its keys) → department (members, strategy) → final
 * destination / voicemail. Pure: the drawing is CallFlow.tsx.
 */
import { t, type MessageKey } from '../../i18n';
import type { Config, NumberEntry, Target } from '../../lib/types';

export interface FlowNode {
  kind: 'number' | 'schedule' | 'greeting' | 'menu' | 'department' | 'employee' | 'voicemail' | 'outside' | 'end';
  label: string;
  children: Array<{ edge?: string; node: FlowNode }>;
}

const node = (kind: FlowNode['kind'], label: string, children: FlowNode['children'] = []): FlowNode => ({ kind, label, children });

function destination(c: Config, r: { type: string; target?: string }, depth: number): FlowNode {
  const ext = r.target ?? '';
  if (depth > 6) return node('end', '…');
  const emp = c.employees.find((e) => e.extension === ext);
  switch (r.type) {
    case 'department': {
      const d = c.departments.find((x) => x.extension === ext);
      if (!d) return node('end', t('flow.missing', { what: ext }));
      const members = d.members.map((m) => c.employees.find((e) => e.extension === m)?.name ?? m).join(', ');
      const after = d.no_answer
        ? d.no_answer.type === 'hangup' ? node('end', t('flow.hangup')) : destination(c, d.no_answer, depth + 1)
        : node('end', t('flow.noAnswer'));
      return node('department', `${d.name} (${d.extension}): ${members || t('flow.nobody')}`, [{ edge: t(`strategy.${d.strategy}` as MessageKey), node: after }]);
    }
    case 'employee':
    case 'receptionist':
    case 'secretary':
      return node('employee', emp ? `${emp.name} (${ext})` : t('flow.missing', { what: ext }), emp?.voicemail ? [{ edge: t('flow.ifNoAnswer'), node: node('voicemail', t('flow.voicemail', { name: emp.name })) }] : []);
    case 'voicemail':
      return node('voicemail', t('flow.voicemail', { name: emp?.name ?? ext }));
    case 'menu': {
      const m = c.menus?.find((x) => x.extension === ext);
      const choices = (m?.choices ?? {}) as Record<string, { type: string; target?: string }>;
      return node('menu', `${t('flow.menu')} ${m?.name ?? ext}`, Object.entries(choices).map(([key, a]) => ({ edge: t('flow.key', { key }), node: destination(c, a, depth + 1) })));
    }
    case 'number':
      return node('outside', t('flow.number', { number: ext }));
    case 'greeting':
      return node('end', t('flow.hangup'));
    default:
      return node('end', r.type);
  }
}

function routeNode(c: Config, r: Target): FlowNode {
  const dest = destination(c, r, 0);
  return r.greeting ? node('greeting', t('flow.greeting', { name: r.greeting }), [{ node: dest }]) : dest;
}

export function flowOf(c: Config, n: NumberEntry): FlowNode {
  if (n.route) return node('number', `${n.number} (${n.line})`, [{ node: routeNode(c, n.route) }]);
  const modes = (['day', 'night', 'lunch', 'holiday'] as const).flatMap((m) => (n.routes?.[m] ? [{ edge: t(`mode.${m}`), node: routeNode(c, n.routes[m]!) }] : []));
  return node('number', `${n.number} (${n.line})`, [{ node: node('schedule', t('flow.schedule'), modes) }]);
}

/** The same tree as indented lines (the drawing's text alternative). */
export function flowText(f: FlowNode, indent = 0, edge?: string): string[] {
  return [`${'  '.repeat(indent)}${edge ? `${edge}: ` : ''}${f.label}`, ...f.children.flatMap((ch) => flowText(ch.node, indent + 1, ch.edge))];
}
