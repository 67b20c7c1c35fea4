/** The `route.step` events of incoming distribution, and the prompts its routes play. */
import type { ExchangeEvents } from '../core/events.js';
import type { AppContext } from '../core/session.js';
import { promptFor } from './prompts.js';
import { play, type PlayEnd } from './play.js';

type Step = ExchangeEvents['route.step'];

export function routeStep(ctx: AppContext, step: Step['step'], path: string[], extra: Omit<Step, 'call' | 'step' | 'path'> = {}): void {
  ctx.events.emit('route.step', { call: ctx.record.id, step, path, ...extra });
}

/** Play a prompt to the caller (who must have media: answered or in early media); a missing prompt is logged and skipped. */
export async function playPrompt(ctx: AppContext, name: string): Promise<PlayEnd> {
  const samples = promptFor(ctx, name);
  if (!samples) {
    ctx.log.warn({ call: ctx.record.id, prompt: name }, 'no such prompt; the caller hears nothing');
    return 'done';
  }
  return play(ctx, ctx.caller, samples);
}
