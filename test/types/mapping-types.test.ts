import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import {
  allPartitionsMapping,
  asset,
  dailyPartitions,
  hourlyPartitions,
  identityMapping,
  lastPartitionMapping,
  monthlyPartitions,
  multiAsset,
  multiPartitions,
  multiToSingleDimensionMapping,
  previousPartition,
  self,
  singleRunBackfill,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  timeWindowPartitions,
  upstream,
  weeklyPartitions,
  type AssetRef,
  type TimeWindowPartitionsDefinition,
} from '../../sdk';

// Type tests: checked by `tsc --noEmit` (npm run typecheck); jest runs the few runtime asserts.
// Each case mirrors what activities/load-inputs.ts hands the function at run time; the
// integration test test/integration/mapping-values.test.ts materializes the same shapes.
const hours = hourlyPartitions({ start: '2024-01-01-00:00' });
const days = dailyPartitions({ start: '2024-01-01' });
const weeks = weeklyPartitions({ start: '2024-01-07' });
const months = monthlyPartitions({ start: '2024-01-01' });
const regions = staticPartitions(['us', 'eu']);
const dayRegion = multiPartitions({ date: days, region: regions });

type Row = { n: number };
const hourly = asset({ key: 'hourly', partitions: hours }, (): Row => ({ n: 1 }));
const daily = asset({ key: 'daily', partitions: days }, (): Row => ({ n: 1 }));
const weekly = asset({ key: 'weekly', partitions: weeks }, (): Row => ({ n: 1 }));
const monthly = asset({ key: 'monthly', partitions: months }, (): Row => ({ n: 1 }));
const plain = asset({ key: 'plain' }, (): Row => ({ n: 1 }));
const byRegion = asset({ key: 'by_region', partitions: regions }, (): Row => ({ n: 1 }));
const byDayRegion = asset({ key: 'by_day_region', partitions: dayRegion }, (): Row => ({ n: 1 }));

describe('partitions definitions carry their cadence in their type', () => {
  test('presets', () => {
    expectTypeOf(hours).toEqualTypeOf<TimeWindowPartitionsDefinition<'hour'>>();
    expectTypeOf(days).toEqualTypeOf<TimeWindowPartitionsDefinition<'day'>>();
    expectTypeOf(weeks).toEqualTypeOf<TimeWindowPartitionsDefinition<'week'>>();
    expectTypeOf(months).toEqualTypeOf<TimeWindowPartitionsDefinition<'month'>>();
    // a weekday does not move day boundaries; an hour offset does (then the cadence is not known)
    expectTypeOf(weeklyPartitions({ start: '2024-01-01', dayOffset: 1 })).toEqualTypeOf<TimeWindowPartitionsDefinition<'week'>>();
    expectTypeOf(dailyPartitions({ start: '2024-01-01', hourOffset: 6 })).toEqualTypeOf<TimeWindowPartitionsDefinition<string>>();
    expectTypeOf(timeWindowPartitions({ cron: '0 */6 * * *', start: '2024-01-01-00:00', format: 'yyyy-MM-dd-HH:mm' })).toEqualTypeOf<TimeWindowPartitionsDefinition<string>>();
    expectTypeOf(daily.partitions).toEqualTypeOf<TimeWindowPartitionsDefinition<'day'>>();
    expectTypeOf(plain.partitions).toEqualTypeOf<null>();
    expect(days.kind).toBe('time-window');
  });
});

describe('default mappings', () => {
  test('same cadence: one value', () => {
    asset({ key: 'a1', partitions: days, ins: { daily } }, ({ daily }) => {
      expectTypeOf(daily).toEqualTypeOf<Row>();
      return daily.n;
    });
  });

  test('finer upstream read by a coarser downstream (daily -> weekly): a record by day', () => {
    asset({ key: 'a2', partitions: weeks, ins: { daily, hourly } }, ({ daily, hourly }) => {
      expectTypeOf(daily).toEqualTypeOf<Record<string, Row>>();
      expectTypeOf(hourly).toEqualTypeOf<Record<string, Row>>();
      // @ts-expect-error: a record, not an array (this compiled before, and failed at run time)
      daily.flat();
      return Object.values(daily).length;
    });
    asset({ key: 'a2m', partitions: months, ins: { weekly } }, ({ weekly }) => {
      // weeks straddle months: a month reads several, and a week may belong to two months
      expectTypeOf(weekly).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });

  test('coarser upstream read by a finer downstream (weekly -> daily): one value', () => {
    asset({ key: 'a3', partitions: days, ins: { weekly, monthly } }, ({ weekly, monthly }) => {
      expectTypeOf(weekly).toEqualTypeOf<Row>();
      expectTypeOf(monthly).toEqualTypeOf<Row>();
      return weekly.n;
    });
    asset({ key: 'a3h', partitions: hours, ins: { daily } }, ({ daily }) => {
      expectTypeOf(daily).toEqualTypeOf<Row>();
      return 1;
    });
    asset({ key: 'a3w', partitions: weeks, ins: { monthly } }, ({ monthly }) => {
      // a week can straddle two months
      expectTypeOf(monthly).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });

  test('unpartitioned upstream: the whole value, whatever the downstream', () => {
    asset({ key: 'a4', partitions: days, ins: { plain } }, ({ plain }) => {
      expectTypeOf(plain).toEqualTypeOf<Row>();
      return 1;
    });
    asset({ key: 'a4r', partitions: days, backfillPolicy: singleRunBackfill(), ins: { plain } }, ({ plain }) => {
      expectTypeOf(plain).toEqualTypeOf<Row>();
      return 1;
    });
  });

  test('partitioned upstream read by an unpartitioned downstream: every partition, by key', () => {
    asset({ key: 'a5', ins: { daily, byRegion } }, ({ daily, byRegion }) => {
      expectTypeOf(daily).toEqualTypeOf<Record<string, Row>>();
      expectTypeOf(byRegion).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });

  test('static and multi partitions', () => {
    asset({ key: 'a6', partitions: regions, ins: { byRegion } }, ({ byRegion }) => {
      expectTypeOf(byRegion).toEqualTypeOf<Row>();
      return 1;
    });
    asset({ key: 'a6m', partitions: dayRegion, ins: { daily, byRegion, byDayRegion, weekly } }, (ins) => {
      // multi downstream reading one dimension: the one partition of that dimension
      expectTypeOf(ins.daily).toEqualTypeOf<Row>();
      expectTypeOf(ins.byRegion).toEqualTypeOf<Row>();
      expectTypeOf(ins.weekly).toEqualTypeOf<Row>();
      expectTypeOf(ins.byDayRegion).toEqualTypeOf<Row>();
      return 1;
    });
    asset({ key: 'a6s', partitions: days, ins: { byDayRegion } }, ({ byDayRegion }) => {
      // a single dimension reading multi partitions: every region of the day, by multi key
      expectTypeOf(byDayRegion).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });
});

describe('explicit mappings', () => {
  test('all partitions, last partition, static', () => {
    asset(
      {
        key: 'b1',
        partitions: days,
        ins: { all: upstream(daily, allPartitionsMapping()), last: upstream(daily, lastPartitionMapping()), map: upstream(byRegion, staticMapping({ us: 'us' })) },
      },
      ({ all, last, map }) => {
        expectTypeOf(all).toEqualTypeOf<Record<string, Row>>();
        expectTypeOf(last).toEqualTypeOf<Row>();
        expectTypeOf(map).toEqualTypeOf<Record<string, Row>>();
        return 1;
      },
    );
  });

  test('identity follows the definitions as the default does', () => {
    asset({ key: 'b2', partitions: weeks, ins: { daily: upstream(daily, identityMapping()) } }, ({ daily }) => {
      expectTypeOf(daily).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });

  test('an offset that can fall before the start: T | null; a window of several: a record', () => {
    asset(
      {
        key: 'b3',
        partitions: days,
        ins: {
          yesterday: upstream(daily, timeWindowMapping({ startOffset: -1, endOffset: -1 })),
          lastWeek: upstream(daily, timeWindowMapping({ startOffset: -7, endOffset: -1 })),
          sameWeek: upstream(weekly, timeWindowMapping()),
          previousWeek: upstream(weekly, timeWindowMapping({ startOffset: -7, endOffset: -7 })),
        },
      },
      ({ yesterday, lastWeek, sameWeek, previousWeek }) => {
        expectTypeOf(yesterday).toEqualTypeOf<Row | null>();
        expectTypeOf(lastWeek).toEqualTypeOf<Record<string, Row>>();
        expectTypeOf(sameWeek).toEqualTypeOf<Row>();
        expectTypeOf(previousWeek).toEqualTypeOf<Row | null>();
        // @ts-expect-error: may be null on the first day
        void yesterday.n;
        return 1;
      },
    );
    asset({ key: 'b3w', partitions: weeks, ins: { previous: upstream(daily, timeWindowMapping({ startOffset: -1, endOffset: -1 })) } }, ({ previous }) => {
      // the previous week's days
      expectTypeOf(previous).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });

  test('multi to single dimension', () => {
    asset({ key: 'b4', partitions: regions, ins: { m: upstream(byDayRegion, multiToSingleDimensionMapping({ dimension: 'region' })) } }, ({ m }) => {
      expectTypeOf(m).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });
});

describe('range runs (a backfill policy): one value or a record of the range', () => {
  test('with a backfill policy, a one-value input may be a record', () => {
    asset({ key: 'c1', partitions: days, backfillPolicy: singleRunBackfill(), ins: { daily, weekly, all: upstream(daily, allPartitionsMapping()) } }, ({ daily, weekly, all }) => {
      expectTypeOf(daily).toEqualTypeOf<Row | Record<string, Row>>();
      expectTypeOf(weekly).toEqualTypeOf<Row | Record<string, Row>>();
      expectTypeOf(all).toEqualTypeOf<Record<string, Row>>();
      return 1;
    });
  });
});

describe("an asset's own previous partition", () => {
  const Total = z.object({ day: z.string(), total: z.number() });
  test('previousPartition() is typed by the output schema, null on the first day', () => {
    const cumulative = asset({ key: 'd1', partitions: days, output: Total, ins: { today: daily, previous: previousPartition() } }, ({ today, previous }) => {
      expectTypeOf(previous).toEqualTypeOf<{ day: string; total: number } | null>();
      return { day: 'x', total: (previous?.total ?? 0) + today.n };
    });
    expectTypeOf(cumulative).toMatchTypeOf<AssetRef<{ day: string; total: number }>>();
    expect(cumulative.options.ins!.previous).toMatchObject({ kind: 'asset-input', asset: { assetKey: 'd1' } });
  });

  test('without a schema, name the type; self() takes any mapping', () => {
    asset({ key: 'd2', partitions: days, ins: { previous: previousPartition<Row>(), week: self(timeWindowMapping({ startOffset: -7, endOffset: -1 })).as<Row>() } }, ({ previous, week }) => {
      expectTypeOf(previous).toEqualTypeOf<Row | null>();
      expectTypeOf(week).toEqualTypeOf<Record<string, Row>>();
      return { n: 1 };
    });
    asset({ key: 'd3', partitions: days, ins: { previous: previousPartition() } }, ({ previous }) => {
      // no schema, no type argument: the types cannot see the return type yet
      expectTypeOf(previous).toEqualTypeOf<unknown>();
      return 1;
    });
  });
});

describe('refs whose partitions the types do not know keep the mapping-declared types', () => {
  test('a hand-written AssetRef and a multi-asset output', () => {
    const ref: AssetRef<Row> = { assetKey: 'daily', partitions: days };
    const split = multiAsset({ name: 'split', partitions: days, outs: { a: { key: 'sa' } } }, () => ({ a: { n: 1 } as Row }));
    asset({ key: 'e1', partitions: weeks, ins: { ref, a: split.assets.a, y: upstream(ref, timeWindowMapping({ startOffset: -1, endOffset: -1 })) } }, ({ ref, a, y }) => {
      expectTypeOf(ref).toEqualTypeOf<Row>();
      // multi-asset outputs carry the partitions type
      expectTypeOf(a).toEqualTypeOf<Record<string, Row>>();
      expectTypeOf(y).toEqualTypeOf<Row | null>();
      return 1;
    });
  });
});
