/**
 * Definitions for `npm run bench -- cluster`, loaded by every `stratum worker` process of the
 * benchmark and by the benchmark itself:
 *
 * - group `bench_daily`: the 3-asset daily chain of the backfill benchmark (bench/backfill-defs.ts),
 *   backfilled with 1, 2 and 4 workers;
 * - group `steps`: `CLUSTER_BENCH_STEPS` (default 10,000) no-op assets in 100 chains, for one
 *   10,000-step run (its plan is ~5.6 MB: run by reference, continuing-as-new);
 * - group `hundred_k`: one hourly asset from 2012-01-01-00:00 under `multiRunBackfill(1000)`, for a
 *   100,000-partition backfill (100 child runs of 1,000 partitions each).
 *
 * Values go to the default filesystem IO manager under `STRATUM_STORAGE_DIR`, which the cluster
 * harness shares between the workers (a step may read a value another worker wrote).
 */
import { asset, Definitions, hourlyPartitions, multiRunBackfill, type AssetDefinition } from '../sdk';
import { cleaned, events, summary } from './backfill-defs';

/** Steps in the `steps` group. */
export const STEP_COUNT = Number(process.env.CLUSTER_BENCH_STEPS ?? 10_000);
const CHAINS = 100;

/** First partition of the `hundred_k` asset. */
export const HOURLY_FROM = '2012-01-01-00:00';

function stepAssets(): AssetDefinition<any, any, any>[] {
  const assets: AssetDefinition<any, any, any>[] = [];
  const perChain = Math.ceil(STEP_COUNT / CHAINS);
  for (let c = 0; c < CHAINS && assets.length < STEP_COUNT; c++) {
    let previous: AssetDefinition<number, any, any> = asset({ key: `steps/c${c}/s0`, group: 'steps' }, () => 0);
    assets.push(previous);
    for (let i = 1; i < perChain && assets.length < STEP_COUNT; i++) {
      const up = previous;
      previous = asset({ key: `steps/c${c}/s${i}`, group: 'steps', ins: { up } }, ({ up }) => up + 1);
      assets.push(previous);
    }
  }
  return assets;
}

/** One hourly no-op asset, materialized 1,000 hours per run; returns how many hours a run covered. */
export const hourlyTick = asset(
  { key: 'hundred_k/tick', group: 'hundred_k', partitions: hourlyPartitions({ start: HOURLY_FROM }), backfillPolicy: multiRunBackfill(1_000) },
  (_, ctx) => ctx.partitionKeys.length,
);

export default new Definitions({ assets: [events, cleaned, summary, ...stepAssets(), hourlyTick] });
