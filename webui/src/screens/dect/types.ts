/** What GET /api/dect gives (src/boot/dect-view.ts; docs/dect.md). */
export interface DectBase { rpn: number; id: string; x: number; y: number; online: boolean; synced: boolean; master: number | null; calls: number; capacity: number | null; handsets: number }
export interface DectHandset { ipei: string; extension: string | null; name: string | null; located: number | null; serving: number | null; state: string; rssi: Record<string, number>; quality: number | null }
export interface DectHandover { ipei: string; from: number; to: number | null; at: number; from_rssi: number | null; to_rssi: number | null; reason: string; gap_ms: number | null; ok: boolean }
export interface DectAlarm { kind: 'handover-failures' | 'calls-dropped'; failed?: number; attempts?: number; count?: number }
export interface DectView { subscription: { open_s: number }; bases: DectBase[]; handsets: DectHandset[]; handovers: DectHandover[]; alarms: DectAlarm[] }
