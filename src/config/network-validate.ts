/**
 * Cross-checks of the site's network identity (docs/network.md): its ranges do not overlap
 * one another, and ranges need an id (a site announces them under its id). Which other
 * site owns what is checked when a site joins (network/joining.ts), not here.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from './schema.js';
import { formatRange, rangesOverlap, toRange } from '../network/ranges.js';

export function siteNetworkIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ranges = (c.site.ranges ?? []).map(toRange);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = 0; j < i; j++) {
      if (rangesOverlap(ranges[i]!, ranges[j]!)) {
        issues.push({ path: `site.ranges[${i}]`, message: `${formatRange(ranges[i]!)} overlaps site.ranges[${j}] (${formatRange(ranges[j]!)})` });
      }
    }
  }
  if ((ranges.length > 0 || c.site.public_template !== undefined) && c.site.id === undefined) {
    issues.push({ path: 'site.id', message: 'ranges and public_template are announced under the site\'s id: set site.id too' });
  }
  return issues;
}
