/**
 * Definitions for `npm run bench -- backfill` (loaded by a `stratum worker` process and by the
 * benchmark itself):
 *
 * - group `bench_daily`: a 3-asset daily chain `bench/events` -> `bench/cleaned` -> `bench/summary`
 *   from 2020-01-01, each step a no-op returning a small value (the benchmark backfills 1,000 days);
 * - group `bench_daily_local`: the same chain (`bench/local/…`) with `executionMode: 'local'`, to
 *   compare the opt-in local mode on the same backfill;
 * - group `bench_hourly`: one no-op hourly asset `bench/tick` from 2022-01-01-00:00 (the benchmark
 *   backfills 20,000 hours of it).
 *
 * Values go to the default filesystem IO manager (`STRATUM_STORAGE_DIR`, a temp dir the benchmark makes).
 */
import { asset, dailyPartitions, Definitions, hourlyPartitions } from '../sdk';

export const DAILY_START = '2020-01-01';
export const HOURLY_START = '2022-01-01-00:00';

const daily = dailyPartitions({ start: DAILY_START });
const hourly = hourlyPartitions({ start: HOURLY_START });

export const events = asset({ key: 'bench/events', group: 'bench_daily', partitions: daily }, (_, ctx) => ({ day: ctx.partitionKey, rows: 3 }));

export const cleaned = asset({ key: 'bench/cleaned', group: 'bench_daily', partitions: daily, ins: { events } }, ({ events }) => ({ day: events.day, rows: events.rows - 1 }));

export const summary = asset({ key: 'bench/summary', group: 'bench_daily', partitions: daily, ins: { cleaned } }, ({ cleaned }) => ({ day: cleaned.day, total: cleaned.rows * 2 }));

export const localEvents = asset({ key: 'bench/local/events', group: 'bench_daily_local', partitions: daily, executionMode: 'local' }, (_, ctx) => ({ day: ctx.partitionKey, rows: 3 }));

export const localCleaned = asset({ key: 'bench/local/cleaned', group: 'bench_daily_local', partitions: daily, executionMode: 'local', ins: { events: localEvents } }, ({ events }) => ({ day: events.day, rows: events.rows - 1 }));

export const localSummary = asset({ key: 'bench/local/summary', group: 'bench_daily_local', partitions: daily, executionMode: 'local', ins: { cleaned: localCleaned } }, ({ cleaned }) => ({ day: cleaned.day, total: cleaned.rows * 2 }));

export const tick = asset({ key: 'bench/tick', group: 'bench_hourly', partitions: hourly }, () => 1);

export default new Definitions({ assets: [events, cleaned, summary, localEvents, localCleaned, localSummary, tick] });
