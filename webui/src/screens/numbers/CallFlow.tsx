/** The call flow of one number drawn as a graph, left to right, with the same flow as text for screen readers. */
import { t } from '../../i18n';
import type { Config, NumberEntry } from '../../lib/types';
import { flowOf, flowText, type FlowNode } from './flow-tree';

const W = 200;
const H = 44;
const GAP_X = 100;
const GAP_Y = 16;

interface Placed { n: FlowNode; x: number; y: number; edges: Array<{ to: Placed; label?: string | undefined }> }

function place(n: FlowNode, depth: number, next: { y: number }): Placed {
  const kids = n.children.map((c) => ({ p: place(c.node, depth + 1, next), label: c.edge }));
  let y: number;
  if (kids.length) y = (kids[0]!.p.y + kids[kids.length - 1]!.p.y) / 2;
  else {
    y = next.y;
    next.y += H + GAP_Y;
  }
  return { n, x: depth * (W + GAP_X), y, edges: kids.map((k) => ({ to: k.p, label: k.label })) };
}

const all = (p: Placed): Placed[] => [p, ...p.edges.flatMap((e) => all(e.to))];
const clip = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function CallFlow({ config, number }: { config: Config; number: NumberEntry }) {
  const tree = flowOf(config, number);
  const next = { y: 0 };
  const root = place(tree, 0, next);
  const nodes = all(root);
  const width = Math.max(...nodes.map((p) => p.x)) + W + 10;
  const height = Math.max(next.y, H + GAP_Y);
  const text = flowText(tree);
  return (
    <figure class="card" data-flow={number.number}>
      <figcaption>{t('flow.title', { number: number.number })}</figcaption>
      <svg class="flow" viewBox={`-5 -5 ${width} ${height}`} role="img" aria-label={text.join('; ')}>
        {nodes.flatMap((p) => p.edges.map((e, i) => {
          const x1 = p.x + W;
          const y1 = p.y + H / 2;
          const x2 = e.to.x;
          const y2 = e.to.y + H / 2;
          return (
            <g key={`${p.x}-${p.y}-${i}`}>
              <path d={`M${x1} ${y1} C${x1 + GAP_X / 2} ${y1} ${x2 - GAP_X / 2} ${y2} ${x2} ${y2}`} fill="none" stroke="#767d8c" />
              {e.label && <text x={x1 + 4} y={Math.min(y1, y2) - 4} font-size="11">{clip(e.label, 16)}</text>}
            </g>
          );
        }))}
        {nodes.map((p) => (
          <g key={`${p.x}-${p.y}`} class={`flow-${p.n.kind}`} data-kind={p.n.kind}>
            <rect x={p.x} y={p.y} width={W} height={H} rx="6" fill="#eef3fb" stroke="#0b5cad" />
            <text x={p.x + 8} y={p.y + 17} font-weight="600">{t(`flowKind.${p.n.kind}`)}</text>
            <text x={p.x + 8} y={p.y + 34}>{clip(p.n.label)}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
