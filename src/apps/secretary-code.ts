/**
 * Application `secretary-code`: the feature codes of the director's secretary
 * (config/feature-codes.ts): `*51` switches call filtering on or off — for the director
 * dialling it, or for every director of the assistant dialling it; `*52` (the director's
 * key) switches "do not disturb via the secretary": every call but a VIP's goes to the
 * secretary; `*53*N#` makes the Nth rule set (in the configuration's order) the active one.
 * The change is stored, published (`secretary.switches`), and said to the caller; a phone
 * that is neither a director's nor an assistant's gets the wrong-number answer.
 */
import type { HangupCause } from '../channels/channel.js';
import type { FeatureId } from '../config/feature-codes.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { directorsOf, executiveOf } from '../secretary/decide.js';
import { effectiveSwitches, switchExecutive } from '../secretary/services.js';
import { playPrompt } from './route-steps.js';

export const SECRETARY_FEATURES: readonly FeatureId[] = ['secretary_filter', 'secretary_dnd', 'secretary_rules'];

export async function secretaryCode(ctx: AppContext, dest: Extract<Destination, { kind: 'feature' }>): Promise<HangupCause> {
  const me = ctx.caller.owner;
  const services = ctx.office?.secretary;
  const own = executiveOf(ctx.config, me);
  const targets = dest.feature === 'secretary_dnd' ? (own ? [own] : []) : own ? [own] : directorsOf(ctx.config, me);
  if (!services || targets.length === 0) {
    ctx.log.info({ call: ctx.record.id, from: me, feature: dest.feature }, 'secretary code from a phone that is no director\'s nor assistant\'s, refused');
    ctx.events.emit('feature.refused', { extension: me, feature: dest.feature, reason: 'not a director or an assistant' });
    return 'not-found';
  }
  const deps = { repo: services.repo, events: ctx.events };
  let prompt = 'secretary-rules';
  if (dest.feature === 'secretary_rules') {
    const n = Number(dest.argument ?? '0');
    const names = targets.map((x) => Object.keys(x.rule_sets)[n - 1]);
    if (names.some((name) => name === undefined)) {
      ctx.events.emit('feature.refused', { extension: me, feature: dest.feature, reason: `no rule set number ${dest.argument}` });
      return 'not-found';
    }
    targets.forEach((x, i) => switchExecutive(deps, x, { ruleSet: names[i]! }, `phone:${me}`));
  } else {
    const key = dest.feature === 'secretary_dnd' ? 'dnd' : 'filtering';
    // Several directors: all follow the first one's new state, so one code means one state.
    const now = effectiveSwitches(targets[0]!, services.repo.switches(targets[0]!.extension))[key];
    for (const x of targets) switchExecutive(deps, x, { [key]: !now }, `phone:${me}`);
    prompt = `secretary-${key === 'dnd' ? 'dnd' : 'filter'}-${now ? 'off' : 'on'}`;
  }
  ctx.log.info({ call: ctx.record.id, from: me, feature: dest.feature, directors: targets.map((x) => x.extension) }, 'secretary code applied');
  ctx.caller.answer();
  await playPrompt(ctx, prompt);
  return 'normal';
}
