import type { AssetRef } from '../asset-ref';
import { assetCheck, type AssetCheckDefinition, type AssetCheckSeverity } from './asset-check';
import { durationToMs, type Duration } from '../duration';

/** Options of {@link freshnessCheck}. */
export interface FreshnessCheckOptions {
  asset: AssetRef<any>;
  /** Oldest the last materialization may be: `'24h'`, `'30m'`, or milliseconds. */
  maxAge: Duration;
  /** Default `freshness`. */
  name?: string;
  /** Default `'error'`. */
  severity?: AssetCheckSeverity;
  /** Default false. */
  blocking?: boolean;
}

/**
 * A ready-made check that the asset (partition) was materialized less than `maxAge` ago, from
 * the catalog (the value is not loaded). It fails when the last materialization is older or there
 * is none. Most useful from `stratum checks run` on a schedule: right after a materialization it
 * always passes.
 *
 * @example
 * freshnessCheck({ asset: orders, maxAge: '24h' })
 */
export function freshnessCheck(options: FreshnessCheckOptions): AssetCheckDefinition<unknown> {
  const name = options.name ?? 'freshness';
  const maxAgeMs = durationToMs(options.maxAge, `freshnessCheck "${name}" of "${options.asset?.assetKey}": maxAge`);
  return assetCheck(
    {
      asset: options.asset,
      name,
      severity: options.severity,
      blocking: options.blocking,
      loadValue: false,
      description: `materialized within ${String(options.maxAge)}`,
    },
    async (_value, ctx) => {
      const latest = await ctx.catalog.latestMaterialization(ctx.assetKey, ctx.partitionKey);
      if (!latest) return { passed: false, description: `never materialized (allowed age ${String(options.maxAge)})`, metadata: { maxAgeMs, lastMaterializedAt: null } };
      const ageMs = Math.max(0, ctx.now - latest.materializedAt);
      const passed = ageMs <= maxAgeMs;
      return {
        passed,
        description: `last materialized ${formatAge(ageMs)} ago (${passed ? 'within' : 'older than'} ${String(options.maxAge)})`,
        metadata: { ageMs, maxAgeMs, lastMaterializedAt: new Date(latest.materializedAt).toISOString(), runId: latest.runId },
      };
    },
  );
}

function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}
