/**
 * The floor plan's geometry: the plan's extent in metres (the bases and where the handsets
 * started, with a margin, so it does not rescale under a dragging pointer), metres ↔ the
 * plan's percentages, and a walk's path as the installer types it ("x,y; x,y …").
 */
export interface Point { x: number; y: number }
export interface Extent { minX: number; minY: number; width: number; height: number }

/** Arrow keys move a handset by this many metres (with Shift: BIG_STEP_M). */
export const STEP_M = 1;
export const BIG_STEP_M = 5;

export function extentOf(points: Point[]): Extent {
  if (points.length === 0) return { minX: -10, minY: -10, width: 20, height: 20 };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = Math.max(8, 0.15 * Math.max(x1 - x0, y1 - y0));
  const width = x1 - x0 + 2 * margin;
  // A corridor's bases all sit on one line: keep the plan tall enough to walk around them.
  const height = Math.max(y1 - y0 + 2 * margin, width * 0.35);
  const cy = (y0 + y1) / 2;
  return { minX: x0 - margin, minY: cy - height / 2, width, height };
}

/** Where a point of the plan is drawn, in % of the plan's box (left, top). */
export function toPercent(e: Extent, p: Point): { left: number; top: number } {
  return { left: ((p.x - e.minX) / e.width) * 100, top: ((p.y - e.minY) / e.height) * 100 };
}

/** The plan's point under a pointer, kept inside the plan, rounded to 0.1 m. */
export function fromClient(e: Extent, box: { left: number; top: number; width: number; height: number }, clientX: number, clientY: number): Point {
  const fx = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
  const fy = Math.min(1, Math.max(0, (clientY - box.top) / box.height));
  return { x: Math.round((e.minX + fx * e.width) * 10) / 10, y: Math.round((e.minY + fy * e.height) * 10) / 10 };
}

/** A point moved by an arrow key (undefined for any other key). */
export function stepped(p: Point, key: string, big: boolean): Point | undefined {
  const d = big ? BIG_STEP_M : STEP_M;
  const moves: Record<string, [number, number]> = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, -d], ArrowDown: [0, d] };
  const m = moves[key];
  return m ? { x: Math.round((p.x + m[0]) * 10) / 10, y: Math.round((p.y + m[1]) * 10) / 10 } : undefined;
}

/** "2,1; 30,1; 58,1" → the points, or the reason it is not a path. */
export function parsePath(text: string): Point[] | string {
  const parts = text.split(';').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return 'empty';
  const points: Point[] = [];
  for (const part of parts) {
    const m = /^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/.exec(part);
    if (!m) return part;
    points.push({ x: Number(m[1]), y: Number(m[2]) });
  }
  return points;
}

export const formatPath = (points: Point[]): string => points.map((p) => `${p.x},${p.y}`).join('; ');
