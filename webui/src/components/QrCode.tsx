/** A QR code drawn as SVG (crisp at any size, printable), with its text as the accessible name. */
import { useMemo } from 'preact/hooks';
import { qrEncode } from '../qr/encode';

export function QrCode({ text, label, size = 240 }: { text: string; label: string; size?: number }) {
  const grid = useMemo(() => qrEncode(text), [text]);
  const n = grid.length + 8; // 4 modules of quiet zone each side
  const d = grid.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x + 4} ${y + 4}h1v1h-1z` : ''))).join('');
  return (
    <svg class="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shape-rendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
