/**
 * The prompts a call application plays, in the site's language (`site.language`, else by
 * its country) with the site's own uploaded prompts first: a thin face of the one loader,
 * src/media/prompts.ts, for an AppContext.
 */
import type { AppContext } from '../core/app-context.js';
import { loadPrompt, siteLanguage, type PromptLanguage } from '../media/prompts.js';

/** The language of the call's prompts. */
export function callLanguage(ctx: Pick<AppContext, 'config'>): PromptLanguage {
  return ctx.config ? siteLanguage(ctx.config.site) : 'en';
}

/** The prompt's samples for this call, or undefined when there is none (logged once). */
export function promptFor(ctx: Pick<AppContext, 'config' | 'dataFolder' | 'log'>, name: string): Int16Array | undefined {
  return loadPrompt(name, callLanguage(ctx), { dataFolder: ctx.dataFolder, log: ctx.log });
}
