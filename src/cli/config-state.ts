/**
 * The live state in configuration files: `autocom config export --with-state` adds a
 * `live_state:` section (forwarding, do-not-disturb, call waiting as phones and users set
 * them, store/live-state.ts) and importing such a file restores it. A file without the
 * section leaves the stored live state as it is; either way the entries of employees the
 * new configuration no longer has are removed, and named.
 */
import { ConfigError, type ConfigIssue } from '../../common/errors.js';
import type { Config } from '../config/schema.js';
import { formatPath } from '../config/validate.js';
import { forwardingLoops, offlineForwardProblem, effectiveForwarding } from '../core/forwarding.js';
import type { PeerKnowledge } from '../config/peer-ranges.js';
import { liveStateSchema, type LiveState } from '../store/live-state.js';

export const LIVE_STATE_KEY = 'live_state';

/** The file's configuration without its `live_state:` section, and the section (validated), if any. */
export function splitLiveState(input: unknown): { config: unknown; state?: LiveState } {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || !(LIVE_STATE_KEY in input)) return { config: input };
  const { [LIVE_STATE_KEY]: raw, ...config } = input as Record<string, unknown>;
  const parsed = liveStateSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ path: formatPath([LIVE_STATE_KEY, ...i.path]), message: i.message.replace(/^Invalid input: /, '') })));
  }
  return { config, state: parsed.data };
}

/**
 * Problems of a live state against the configuration it comes with: unknown employees,
 * targets that lead nowhere (another site's numbers by `peers`, config/peer-ranges.ts; what
 * cannot be checked offline goes to `warnings`), loops.
 */
export function liveStateIssues(config: Readonly<Config>, state: LiveState, peers?: PeerKnowledge, warnings: ConfigIssue[] = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (ext: string, key?: string): string => `${LIVE_STATE_KEY}.employees.${ext}${key ? `.${key}` : ''}`;
  for (const [ext, s] of Object.entries(state.employees)) {
    if (!config.employees.some((e) => e.extension === ext)) {
      issues.push({ path: at(ext), message: `"${ext}" is not an employee's extension in this configuration` });
      continue;
    }
    for (const key of ['forward_all', 'forward_busy', 'forward_no_answer'] as const) {
      const t = s[key];
      if (typeof t === 'string') offlineForwardProblem(config, ext, t, at(ext, key), { issues, warnings }, peers);
    }
  }
  const allOf = (e: Config['employees'][number]) => effectiveForwarding(e, state.employees[e.extension] ?? {}).all;
  for (const loop of forwardingLoops(config, allOf)) issues.push({ path: at(loop.extension, 'forward_all'), message: `forwarding loop ${loop.path.join(' → ')}: a call would never ring anyone` });
  return issues;
}
