/**
 * The sim board's floor plan: the DECT bases where the board puts them and every emulated
 * handset as a pin the admin drags across the plan (pointer events; a focused pin also moves
 * with the arrow keys, Shift for bigger steps). Each move goes to the emulator (POST
 * /api/sim/dect/handsets/{ipei}/position), whose radio model recomputes what the handset
 * hears of each base from the distance: the exchange gets new measurements and, for a
 * handset in a call, hands the call over to the base it now hears better. Under the plan,
 * each handset's base and the base carrying its call, as the exchange sees them (GET /api/dect).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { api } from '../../lib/api';
import type { DectView } from '../dect/types';
import { extentOf, fromClient, parsePath, stepped, toPercent, type Point } from './floor-geometry';
import { useHandsetPositions } from './useHandsetPositions';
import { WalkForm, type Walk } from './WalkForm';

/** While a pin is dragged, the emulator is told where it is at most this often (a walk, not a jump). */
const DRAG_SEND_MS = 200;

/** One position command in flight per handset; the newest waiting one goes next (the last place always wins). */
function usePositionSender(onError: (m: string) => void, onSent: () => void) {
  const state = useRef(new Map<string, { busy: boolean; next?: Point }>());
  const send = (ipei: string, p: Point): void => {
    const s = state.current.get(ipei) ?? { busy: false };
    state.current.set(ipei, s);
    if (s.busy) {
      s.next = p;
      return;
    }
    s.busy = true;
    api('POST', `/api/sim/dect/handsets/${ipei}/position`, { x: p.x, y: p.y })
      .then(() => (onError(''), onSent()), (e: Error) => onError(e.message))
      .finally(() => {
        s.busy = false;
        const next = s.next;
        s.next = undefined;
        if (next) send(ipei, next);
      });
  };
  return send;
}

export function FloorPlan({ view }: { view: DectView }) {
  const ipeis = view.handsets.map((h) => h.ipei);
  const { places, refresh } = useHandsetPositions(ipeis, 500);
  const [moved, setMoved] = useState<Record<string, Point>>({}); // where the admin put a pin, until the emulator says so too
  const [failed, setFailed] = useState('');
  const [walk, setWalk] = useState<Walk>({ ipei: ipeis[0] ?? '', path: '' });
  const plan = useRef<HTMLDivElement>(null);
  const drag = useRef<{ ipei: string; pointer: number; sentAt: number } | null>(null);
  const send = usePositionSender(setFailed, refresh);
  const loaded = Object.keys(places).length === ipeis.length;
  // The plan's extent is fixed once the handsets' first places are known: it must not rescale under the pointer.
  const extent = useMemo(() => extentOf([...view.bases, ...Object.values(places)]), [view.bases.map((b) => `${b.x},${b.y}`).join(';'), loaded]);

  useEffect(() => {
    // A pin the admin moved follows the emulator again once the emulator has it there.
    setMoved((m) => {
      const left = Object.entries(m).filter(([ipei, p]) => drag.current?.ipei === ipei || !places[ipei] || Math.hypot(places[ipei]!.x - p.x, places[ipei]!.y - p.y) > 0.5);
      return left.length === Object.keys(m).length ? m : Object.fromEntries(left);
    });
  }, [places]);

  const at = (ipei: string): Point | undefined => moved[ipei] ?? places[ipei];
  const moveTo = (ipei: string, p: Point, now: boolean) => {
    setMoved((m) => ({ ...m, [ipei]: p }));
    const d = drag.current;
    if (now || !d || performance.now() - d.sentAt >= DRAG_SEND_MS) {
      if (d) d.sentAt = performance.now();
      send(ipei, p);
    }
  };
  const pointAt = (e: PointerEvent | MouseEvent): Point => fromClient(extent, plan.current!.getBoundingClientRect(), e.clientX, e.clientY);

  const onPointerDown = (ipei: string) => (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    (e.currentTarget as HTMLElement).focus();
    drag.current = { ipei, pointer: e.pointerId, sentAt: 0 };
  };
  const onPointerMove = (ipei: string) => (e: PointerEvent) => {
    if (drag.current?.ipei === ipei && drag.current.pointer === e.pointerId) moveTo(ipei, pointAt(e), false);
  };
  const onPointerUp = (ipei: string) => (e: PointerEvent) => {
    if (drag.current?.ipei !== ipei || drag.current.pointer !== e.pointerId) return;
    const p = pointAt(e);
    drag.current = null;
    moveTo(ipei, p, true);
  };
  const onKeyDown = (ipei: string) => (e: KeyboardEvent) => {
    const from = at(ipei);
    const to = from && stepped(from, e.key, e.shiftKey);
    if (!to) return;
    e.preventDefault();
    moveTo(ipei, to, true);
  };
  // A click on the floor (not on a pin) adds a point to the walk being written.
  const onFloorClick = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('button')) return;
    const p = pointAt(e);
    setWalk((w) => ({ ...w, path: [w.path.trim(), `${p.x},${p.y}`].filter(Boolean).join('; ') }));
  };

  const line = (points: Point[]) => points.map((p) => { const q = toPercent(extent, p); return `${q.left},${q.top}`; }).join(' ');
  const planned = parsePath(walk.path);
  const walking = walk.ipei && places[walk.ipei]?.path.length ? [at(walk.ipei)!, ...places[walk.ipei]!.path.map(([x, y]) => ({ x, y }))] : [];
  return (
    <section class="card" aria-labelledby="floor-title" data-floor-plan>
      <h2 id="floor-title">{t('sim.plan')}</h2>
      <p id="floor-help" class="muted">{t('sim.planHelp')}</p>
      <div ref={plan} class="floor" style={{ aspectRatio: `${extent.width} / ${extent.height}` }} onClick={onFloorClick}>
        <svg class="floor-paths" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
          {typeof planned !== 'string' && planned.length > 0 && at(walk.ipei) && <polyline class="planned" points={line([at(walk.ipei)!, ...planned])} />}
          {walking.length > 1 && <polyline class="walking" points={line(walking)} />}
        </svg>
        {view.bases.map((b) => {
          const q = toPercent(extent, b);
          return (
            <span key={b.rpn} class={`base-pin${b.online ? '' : ' off'}`} role="img" data-plan-base={b.rpn} style={{ left: `${q.left}%`, top: `${q.top}%` }}
              aria-label={t('sim.planBase', { rpn: b.rpn, x: b.x, y: b.y, calls: b.calls })}>{`B${b.rpn}`}</span>
          );
        })}
        {view.handsets.map((h) => {
          const p = at(h.ipei);
          if (!p) return null;
          const q = toPercent(extent, p);
          return (
            <button key={h.ipei} type="button" class={`handset-pin${h.serving !== null ? ' in-call' : ''}`} data-plan-handset={h.ipei} style={{ left: `${q.left}%`, top: `${q.top}%` }}
              aria-describedby="floor-help"
              onPointerDown={onPointerDown(h.ipei)} onPointerMove={onPointerMove(h.ipei)} onPointerUp={onPointerUp(h.ipei)} onPointerCancel={onPointerUp(h.ipei)} onKeyDown={onKeyDown(h.ipei)}>
              {h.extension ?? h.ipei.slice(-3)}<span class="sr-only">{`: ${t('sim.planHandset', { ipei: h.ipei, x: Math.round(p.x), y: Math.round(p.y) })}`}</span>
            </button>
          );
        })}
      </div>
      <ul class="floor-status">
        {view.handsets.map((h) => {
          const p = at(h.ipei);
          return (
            <li key={h.ipei} data-plan-status={h.ipei} data-located={h.located ?? 'none'} data-call-base={h.serving ?? 'none'}>
              {t('sim.dectHandset', { ipei: h.ipei })}{h.extension && ` (${h.extension})`}{p && `: ${t('sim.planAt', { x: Math.round(p.x), y: Math.round(p.y) })}`}
              {' · '}{h.serving !== null ? <strong>{t('sim.planCallVia', { rpn: h.serving })}</strong> : h.located !== null ? t('dect.baseName', { rpn: h.located }) : t('dect.noBase')}
            </li>
          );
        })}
      </ul>
      {failed && <p class="error" role="alert">{failed}</p>}
      <WalkForm handsets={view.handsets} value={walk} onChange={setWalk} onPlayed={refresh} />
    </section>
  );
}
