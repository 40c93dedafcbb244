/**
 * What each partition mapping hands an asset function at RUN time, next to what its type says
 * (test/types/mapping-types.test.ts has the full type table). Every reader records the shape it
 * received and asserts its static type in the same place, so the two cannot drift apart.
 */
import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import {
  allPartitionsMapping,
  asset,
  dailyPartitions,
  Definitions,
  inMemoryIOManager,
  previousPartition,
  singleRunBackfill,
  staticPartitions,
  timeWindowMapping,
  upstream,
  weeklyPartitions,
} from 'stratum';
import { materializeForTest } from 'stratum/testing';

type Shape = 'value' | 'record' | 'null';
const seen = new Map<string, { shape: Shape; keys: string[] }>();
function record(name: string, value: unknown): void {
  const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value) && !('day' in value);
  seen.set(name, { shape: value === null ? 'null' : isRecord ? 'record' : 'value', keys: isRecord ? Object.keys(value as object) : [] });
}

const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-15' });
const weeks = weeklyPartitions({ start: '2024-01-07', end: '2024-01-14' }); // the week of Sunday 2024-01-07
const regions = staticPartitions(['us', 'eu']);
type Day = { day: string };

const daily = asset({ key: 'm/daily', partitions: days }, (_, ctx): Day => ({ day: ctx.partitionKey }));
const weekly = asset({ key: 'm/weekly', partitions: weeks }, (_, ctx): Day => ({ day: ctx.partitionKey }));
const plain = asset({ key: 'm/plain' }, (): Day => ({ day: 'all' }));
const byRegion = asset({ key: 'm/by_region', partitions: regions }, (_, ctx): Day => ({ day: ctx.partitionKey }));

const weekReadsDays = asset({ key: 'm/week_reads_days', partitions: weeks, ins: { daily } }, ({ daily }) => {
  expectTypeOf(daily).toEqualTypeOf<Record<string, Day>>();
  record('daily->weekly', daily);
  return Object.keys(daily).length;
});
const dayReadsWeek = asset({ key: 'm/day_reads_week', partitions: days, ins: { weekly } }, ({ weekly }) => {
  expectTypeOf(weekly).toEqualTypeOf<Day>();
  record('weekly->daily', weekly);
  return weekly.day;
});
const dayReadsPlain = asset({ key: 'm/day_reads_plain', partitions: days, ins: { plain } }, ({ plain }) => {
  expectTypeOf(plain).toEqualTypeOf<Day>();
  record('unpartitioned->daily', plain);
  return plain.day;
});
const plainReadsDays = asset({ key: 'm/plain_reads_days', ins: { daily, byRegion } }, ({ daily, byRegion }) => {
  expectTypeOf(daily).toEqualTypeOf<Record<string, Day>>();
  expectTypeOf(byRegion).toEqualTypeOf<Record<string, Day>>();
  record('daily->unpartitioned', daily);
  record('static->unpartitioned', byRegion);
  return 1;
});
const regionReadsRegion = asset({ key: 'm/region_reads_region', partitions: regions, ins: { byRegion } }, ({ byRegion }) => {
  expectTypeOf(byRegion).toEqualTypeOf<Day>();
  record('static->static', byRegion);
  return 1;
});
const dayReadsAll = asset(
  { key: 'm/day_reads_all', partitions: days, ins: { all: upstream(daily, allPartitionsMapping()), yesterday: upstream(daily, timeWindowMapping({ startOffset: -1, endOffset: -1 })) } },
  ({ all, yesterday }, ctx) => {
    expectTypeOf(all).toEqualTypeOf<Record<string, Day>>();
    expectTypeOf(yesterday).toEqualTypeOf<Day | null>();
    record('all->daily', all);
    record(`yesterday ${ctx.partitionKey}`, yesterday);
    return 1;
  },
);
const Total = z.object({ day: z.string(), total: z.number() });
const running = asset({ key: 'm/running', partitions: days, output: Total, ins: { previous: previousPartition() } }, ({ previous }, ctx) => {
  expectTypeOf(previous).toEqualTypeOf<{ day: string; total: number } | null>();
  record(`previousPartition ${ctx.partitionKey}`, previous);
  return { day: ctx.partitionKey, total: (previous?.total ?? 0) + 1 };
});
const rangeReadsDays = asset({ key: 'm/range_reads_days', partitions: days, backfillPolicy: singleRunBackfill(), ins: { daily } }, ({ daily }, ctx) => {
  expectTypeOf(daily).toEqualTypeOf<Day | Record<string, Day>>();
  record(`range run ${ctx.partitionKeys.length}`, daily);
  return 1;
});

const store = inMemoryIOManager();
const defs = new Definitions({
  assets: [daily, weekly, plain, byRegion, weekReadsDays, dayReadsWeek, dayReadsPlain, plainReadsDays, regionReadsRegion, dayReadsAll, running, rangeReadsDays],
  ioManagers: { default: store },
});

async function run(selection: string, partitionKey?: string, partitionRange?: { from: string; to: string }): Promise<void> {
  const result = await materializeForTest(defs, { selection, ...(partitionKey ? { partitionKey } : {}), ...(partitionRange ? { partitionRange } : {}) });
  if (!result.success) throw new Error(`${selection} [${partitionKey ?? ''}] failed: ${result.error}`);
}

describe('the value each mapping hands the function matches its type', () => {
  beforeAll(async () => {
    const allDays = days.keys({ now: new Date('2024-02-01T00:00:00Z') });
    for (const day of allDays) await run('m/daily', day);
    for (const key of ['2024-01-07']) await run('m/weekly', key);
    for (const key of ['us', 'eu']) await run('m/by_region', key);
    await run('m/plain');
  }, 180_000);

  test('daily -> weekly: a record of the week\'s seven days', async () => {
    await run('m/week_reads_days', '2024-01-07');
    expect(seen.get('daily->weekly')).toEqual({ shape: 'record', keys: ['2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13'] });
  });

  test('weekly -> daily: the one week the day lies in', async () => {
    await run('m/day_reads_week', '2024-01-09');
    expect(seen.get('weekly->daily')).toEqual({ shape: 'value', keys: [] });
  });

  test('unpartitioned upstream: the value; partitioned upstream of an unpartitioned asset: a record of all', async () => {
    await run('m/day_reads_plain', '2024-01-02');
    await run('m/plain_reads_days');
    expect(seen.get('unpartitioned->daily')?.shape).toBe('value');
    expect(seen.get('daily->unpartitioned')?.shape).toBe('record');
    expect(seen.get('daily->unpartitioned')?.keys).toHaveLength(14);
    expect(seen.get('static->unpartitioned')).toEqual({ shape: 'record', keys: ['us', 'eu'] });
  });

  test('static -> static: the same key', async () => {
    await run('m/region_reads_region', 'eu');
    expect(seen.get('static->static')?.shape).toBe('value');
  });

  test('all partitions: a record; an offset before the start: null, after it: the value', async () => {
    await run('m/day_reads_all', '2024-01-01');
    await run('m/day_reads_all', '2024-01-05');
    expect(seen.get('all->daily')?.keys).toHaveLength(14);
    expect(seen.get('yesterday 2024-01-01')?.shape).toBe('null');
    expect(seen.get('yesterday 2024-01-05')?.shape).toBe('value');
  });

  test('previousPartition(): null on the first day, the asset\'s own previous value after', async () => {
    await run('m/running', '2024-01-01');
    await run('m/running', '2024-01-02');
    expect(seen.get('previousPartition 2024-01-01')?.shape).toBe('null');
    expect(seen.get('previousPartition 2024-01-02')?.shape).toBe('value');
    expect(store.values.get('assets/m/running/2024-01-02')).toEqual({ day: '2024-01-02', total: 2 });
  });

  test('a range run (backfill policy): a record of the range; one partition: the value', async () => {
    await run('m/range_reads_days', undefined, { from: '2024-01-03', to: '2024-01-05' });
    expect(seen.get('range run 3')).toEqual({ shape: 'record', keys: ['2024-01-03', '2024-01-04', '2024-01-05'] });
    await run('m/range_reads_days', '2024-01-06');
    expect(seen.get('range run 1')?.shape).toBe('value');
  });
});
