/**
 * The DECT subscription register in the store (issue 16): every handset that subscribed in
 * a window the installer opened, by IPEI (without its space, upper case). The driver is
 * given these at boot, so a handset subscribed once locates again after a restart.
 */
import type { Db } from './db.js';

export class DectSubscriptionRepository {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  all(): string[] {
    return (this.db.prepare('SELECT ipei FROM dect_subscriptions ORDER BY ipei').all() as Array<{ ipei: string }>).map((r) => r.ipei);
  }

  add(ipei: string): void {
    this.db.prepare('INSERT INTO dect_subscriptions (ipei, subscribed_at) VALUES (?, ?) ON CONFLICT(ipei) DO NOTHING').run(ipei, this.now());
  }
}
