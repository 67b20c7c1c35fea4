/**
 * The announcements an outside call may hear before it is refused — barred ("This call is
 * not allowed from your extension"), a toll-fraud limit reached (src/outgoing/limits.ts) —
 * in the site's language, played to the caller alone as early media (SIP 183, RFC 3960; an
 * analog phone hears it on its port). The prompt comes from the one loader
 * (src/media/prompts.ts: the site's own, else the committed asset); a missing one is logged
 * once and the call is refused without it rather than not at all.
 */
import type { AppContext } from '../core/session.js';
import { play } from '../apps/play.js';
import { promptFor } from '../apps/prompts.js';

export const BARRED_PROMPT = 'call-barred';
/** The announcement of a limit reached (src/outgoing/limits.ts). */
export const LIMIT_PROMPT = 'call-limit';

/** Tell the caller their call is barred; resolves when the prompt ends or the caller hangs up. */
export function announceBarred(ctx: AppContext): Promise<void> {
  return announce(ctx, BARRED_PROMPT);
}

/** Play prompt `id` to the caller alone as early media (answered legs just hear it); resolves when it ends or the caller hangs up. */
export async function announce(ctx: AppContext, id: string): Promise<void> {
  const samples = promptFor(ctx, id);
  if (!samples) return;
  ctx.caller.progress?.();
  if (!ctx.caller.media) return;
  await play(ctx, ctx.caller, samples);
}
