/** Ready-made asset checks. */
export { rowCountCheck } from './row-count-check';
export type { RowCountCheckOptions } from './row-count-check';
export { freshnessCheck } from './freshness-check';
export type { FreshnessCheckOptions } from './freshness-check';
