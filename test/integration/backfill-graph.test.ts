/**
 * Backfills planned as a graph of asset partitions, on a real dev server and SQLite catalog: a
 * failure blocks only the asset partitions that read it (transitively), independent ones run in
 * parallel, daily + weekly + unpartitioned assets run in one backfill in dependency order, and
 * `only: failed` / `only: stale` redo exactly what they should.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, NonRetryableError, timeWindowMapping, weeklyPartitions } from '../../sdk';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';

interface Seen {
  asset: string;
  partitionKey: string | null;
  start: number;
  end: number;
}
const seen: Seen[] = [];
async function step<T>(assetKey: string, partitionKey: string | null, value: T, ms = 40): Promise<T> {
  const start = Date.now();
  await sleep(ms);
  seen.push({ asset: assetKey, partitionKey, start, end: Date.now() });
  return value;
}

// The scenario: readings → cleaned → station_daily, which also reads its previous day.
const days = dailyPartitions({ start: '2024-03-01', end: '2024-03-21' });
const failingCleaned = new Set<string>();
const readings = asset({ key: 'g/readings', group: 'g', partitions: days }, (_, ctx) => step('g/readings', ctx.partitionKey, [1, 2, 3]));
const cleaned = asset({ key: 'g/cleaned', group: 'g', partitions: days, ins: { readings }, retry: { maximumAttempts: 1 } }, ({ readings }, ctx) => {
  if (failingCleaned.has(ctx.partitionKey)) throw new NonRetryableError(`bad readings on ${ctx.partitionKey}`);
  return step('g/cleaned', ctx.partitionKey, readings.map((r) => r * 2));
});
const stationDaily = asset(
  {
    key: 'g/station_daily',
    group: 'g',
    partitions: days,
    ins: { cleaned },
    deps: [{ asset: 'g/station_daily', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }],
  },
  ({ cleaned }, ctx) => step('g/station_daily', ctx.partitionKey, cleaned.length),
);

// Mixed partitions: two weeks of days (Sunday 2024-01-07 to Saturday 2024-01-20), their weeks, and a total.
const mixedDays = dailyPartitions({ start: '2024-01-07', end: '2024-01-21' });
const weeks = weeklyPartitions({ start: '2024-01-07', end: '2024-01-21' });
let dayVersion = 0;
const mDay = asset({ key: 'm/day', group: 'm', partitions: mixedDays }, (_, ctx) => step('m/day', ctx.partitionKey, { day: ctx.partitionKey, v: dayVersion }));
const mWeek = asset({ key: 'm/week', group: 'm', partitions: weeks, ins: { mDay } }, ({ mDay }, ctx) =>
  step('m/week', ctx.partitionKey, Object.keys(mDay as Record<string, unknown>).length),
);
const mTotal = asset({ key: 'm/total', group: 'm', ins: { mDay } }, ({ mDay }) => step('m/total', null, Object.keys(mDay as Record<string, unknown>).length));

const defs = new Definitions({ assets: [readings, cleaned, stationDaily, mDay, mWeek, mTotal], ioManagers: { default: inMemoryIOManager() } });

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'bfgraph' });
});
afterAll(async () => {
  await t?.stop();
});

const dayList = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

function maxOverlap(spans: { start: number; end: number }[]): number {
  const events = spans.flatMap((s) => [
    [s.start, 1],
    [s.end, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (now += d!));
  return max;
}

describe('graph backfills', () => {
  test('a failed day of cleaned blocks only station_daily from that day on; the rest runs, in parallel', async () => {
    const all = dayList('2024-03-01', 20);
    const bad = '2024-03-10';
    failingCleaned.add(bad);
    seen.length = 0;
    const handle = await t.stratum.startBackfill({ selection: 'group:g', partitions: { from: all[0]!, to: all.at(-1)! }, maxConcurrent: 6 });
    expect(handle.assetPartitions).toBe(60);
    // One run of readings+cleaned per day, one of station_daily per day after the first (whose previous day is outside the backfill: it joins the first day's run).
    expect(handle.total).toBe(39);
    const result = await handle.result();
    const blockedDays = all.filter((d) => d >= bad);
    expect(result).toMatchObject({ status: 'completed_with_failures', unit: 'asset partition', total: 60, failed: 1, blocked: blockedDays.length, done: 60 - 1 - blockedDays.length });
    expect(result.failedItems).toEqual([`g/cleaned[${bad}]`]);
    expect(result.blockedItems!.map((b) => b.item).sort()).toEqual(blockedDays.map((d) => `g/station_daily[${d}]`));
    expect(new Set(result.blockedItems!.map((b) => b.blockedBy))).toEqual(new Set([`g/cleaned[${bad}]`]));

    // Every readings day and every other cleaned day ran once; station_daily ran only before the failure.
    const ran = (a: string) => seen.filter((s) => s.asset === a).map((s) => s.partitionKey).sort();
    expect(ran('g/readings')).toEqual(all);
    expect(ran('g/cleaned')).toEqual(all.filter((d) => d !== bad));
    expect(ran('g/station_daily')).toEqual(all.filter((d) => d < bad));
    // Days of readings ran side by side (the previous-day input of station_daily serializes only station_daily).
    expect(maxOverlap(seen.filter((s) => s.asset === 'g/readings'))).toBeGreaterThan(1);
    // station_daily still ran day after day.
    const sd = seen.filter((s) => s.asset === 'g/station_daily').sort((a, b) => a.partitionKey!.localeCompare(b.partitionKey!));
    for (let i = 1; i < sd.length; i++) expect(sd[i]!.start).toBeGreaterThanOrEqual(sd[i - 1]!.end);

    // The catalog has the failed and the blocked ones as failed; --failed-only redoes exactly those.
    const statuses = await t.catalog.partitionStatuses('g/station_daily', all);
    expect(all.filter((d) => statuses.get(d)?.status === 'failed')).toEqual(blockedDays);
    failingCleaned.clear();
    seen.length = 0;
    const again = await t.stratum.startBackfill({ selection: 'group:g', partitions: { from: all[0]!, to: all.at(-1)! }, only: 'failed', maxConcurrent: 6 });
    expect(again.assetPartitions).toBe(1 + blockedDays.length);
    const redone = await again.result();
    expect(redone).toMatchObject({ status: 'completed', done: 1 + blockedDays.length, failed: 0, blocked: 0, skipped: 60 - 1 - blockedDays.length });
    expect(seen.map((s) => `${s.asset}[${s.partitionKey}]`).sort()).toEqual([`g/cleaned[${bad}]`, ...blockedDays.map((d) => `g/station_daily[${d}]`)].sort());
  });

  test('daily, weekly and unpartitioned assets in one backfill: each asset partition once, in dependency order; then --stale-only', async () => {
    seen.length = 0;
    const handle = await t.stratum.startBackfill({ selection: 'group:m', partitions: { from: '2024-01-07', to: '2024-01-20' }, maxConcurrent: 8 });
    expect(handle.assetPartitions).toBe(14 + 2 + 1);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', done: 17, failed: 0, blocked: 0 });
    const runsOf = (a: string) => seen.filter((s) => s.asset === a);
    expect(runsOf('m/day').map((s) => s.partitionKey).sort()).toEqual(dayList('2024-01-07', 14));
    expect(runsOf('m/week').map((s) => s.partitionKey).sort()).toEqual(['2024-01-07', '2024-01-14']);
    expect(runsOf('m/total')).toHaveLength(1);
    for (const week of runsOf('m/week')) {
      const itsDays = runsOf('m/day').filter((d) => dayList(week.partitionKey!, 7).includes(d.partitionKey!));
      expect(itsDays).toHaveLength(7);
      expect(week.start).toBeGreaterThanOrEqual(Math.max(...itsDays.map((d) => d.end)));
    }
    expect(runsOf('m/total')[0]!.start).toBeGreaterThanOrEqual(Math.max(...runsOf('m/day').map((d) => d.end)));
    // The first week's run did not wait for the second week's days.
    const firstWeek = runsOf('m/week').find((w) => w.partitionKey === '2024-01-07')!;
    expect(maxOverlap(runsOf('m/day'))).toBeGreaterThan(1);
    expect(firstWeek).toBeDefined();

    // One day changes: its week and the total are stale, the rest fresh; --stale-only runs just those.
    dayVersion = 1;
    await t.stratum.materialize({ selection: 'm/day', partitionKey: '2024-01-09' });
    seen.length = 0;
    const stale = await t.stratum.startBackfill({ selection: 'group:m', partitions: { from: '2024-01-07', to: '2024-01-20' }, only: 'stale' });
    expect(stale.assetPartitions).toBe(2);
    const staleResult = await stale.result();
    expect(staleResult).toMatchObject({ status: 'completed', done: 2, skipped: 15 });
    expect(seen.map((s) => `${s.asset}[${s.partitionKey}]`).sort()).toEqual(['m/total[null]', 'm/week[2024-01-07]']);
  });
});
