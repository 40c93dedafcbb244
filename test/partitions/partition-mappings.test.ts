import { expectTypeOf } from 'expect-type';
import {
  allPartitionsMapping,
  dailyPartitions,
  defaultMappingFor,
  dimensionMapping,
  dynamicPartitions,
  hourlyPartitions,
  identityMapping,
  lastPartitionMapping,
  monthlyPartitions,
  multiPartitions,
  multiToSingleDimensionMapping,
  PartitionKeyError,
  type PartitionMapping,
  PartitionMappingError,
  partitionMappingFromSpec,
  type PartitionsDefinition,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  weeklyPartitions,
} from '../../sdk/partitions';

const now = new Date('2024-03-20T12:00:00Z');
const ctx = { now, dynamicKeys: (name: string) => (name === 'customers' ? ['acme', 'globex'] : []) };

const daily = dailyPartitions({ start: '2024-01-01' });
const dailyLater = dailyPartitions({ start: '2024-01-10' });
const dailyWithToday = dailyPartitions({ start: '2024-01-01', endOffset: 1 });
const hourly = hourlyPartitions({ start: '2024-01-01-00:00' });
const nyDaily = dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York' });
const nyHourly = hourlyPartitions({ start: '2024-01-01-00:00', timezone: 'America/New_York' });
const weekly = weeklyPartitions({ start: '2024-01-01', dayOffset: 1 });
const monthly = monthlyPartitions({ start: '2024-01-01' });
const regions = staticPartitions(['us', 'eu']);
const countries = staticPartitions(['us', 'ca', 'de', 'fr']);
const areas = staticPartitions(['na', 'eu', 'apac']);
const customers = dynamicPartitions({ name: 'customers' });
const byDateAndRegion = multiPartitions({ date: daily, region: regions });

function upstreamOf(mapping: PartitionMapping, key: string | null, upstream: PartitionsDefinition | null, downstream: PartitionsDefinition | null) {
  return mapping.upstreamKeysFor(key, { upstream, downstream }, ctx);
}

describe('identityMapping', () => {
  test.each([
    { name: 'same daily key', up: daily, down: daily, key: '2024-01-05', keys: ['2024-01-05'], missing: [], cardinality: 'one' },
    { name: 'upstream starts later: missing', up: dailyLater, down: daily, key: '2024-01-05', keys: [], missing: ['2024-01-05'], cardinality: 'one' },
    { name: 'upstream has no today yet', up: daily, down: dailyWithToday, key: '2024-03-20', keys: [], missing: ['2024-03-20'], cardinality: 'one' },
    { name: 'static to static', up: regions, down: regions, key: 'eu', keys: ['eu'], missing: [], cardinality: 'one' },
    { name: 'static key the upstream lacks', up: regions, down: areas, key: 'apac', keys: [], missing: ['apac'], cardinality: 'one' },
    { name: 'dynamic to static', up: customers, down: staticPartitions(['acme', 'hooli']), key: 'hooli', keys: [], missing: ['hooli'], cardinality: 'one' },
    { name: 'multi to multi', up: byDateAndRegion, down: byDateAndRegion, key: '2024-01-02|eu', keys: ['2024-01-02|eu'], missing: [], cardinality: 'one' },
  ])('$name', ({ up, down, key, keys, missing, cardinality }) => {
    const result = upstreamOf(identityMapping(), key, up, down);
    expect(result).toEqual({ partitioned: true, keys, missing, cardinality });
  });

  test.each([
    { name: 'daily reads the 24 hours of its day', up: hourly, down: daily, key: '2024-01-05', count: 24, first: '2024-01-05-00:00', last: '2024-01-05-23:00' },
    { name: 'an hour reads its day', up: daily, down: hourly, key: '2024-01-05-13:00', count: 1, first: '2024-01-05', last: '2024-01-05' },
    { name: 'New York spring-forward day reads 23 hours', up: nyHourly, down: nyDaily, key: '2024-03-10', count: 23, first: '2024-03-10-00:00', last: '2024-03-10-23:00' },
    { name: 'a Monday week reads 7 days', up: daily, down: weekly, key: '2024-01-08', count: 7, first: '2024-01-08', last: '2024-01-14' },
    { name: 'leap February reads 29 days', up: daily, down: monthly, key: '2024-02-01', count: 29, first: '2024-02-01', last: '2024-02-29' },
    { name: 'a UTC day overlaps two New York days', up: nyDaily, down: daily, key: '2024-01-05', count: 2, first: '2024-01-04', last: '2024-01-05' },
  ])('time windows of different cadences overlap: $name', ({ up, down, key, count, first, last }) => {
    const result = upstreamOf(identityMapping(), key, up, down);
    expect(result.keys).toHaveLength(count);
    expect(result.keys[0]).toBe(first);
    expect(result.keys.at(-1)).toBe(last);
    // one value when the downstream window lies inside one upstream window (an hour in its day)
    expect(identityMapping().cardinalityFor({ upstream: up, downstream: down })).toBe(count === 1 ? 'one' : 'many');
  });

  test('unpartitioned upstream is read whole', () => {
    expect(upstreamOf(identityMapping(), '2024-01-05', null, daily)).toEqual({ partitioned: false, keys: [], missing: [], cardinality: 'one' });
    expect(upstreamOf(identityMapping(), null, null, null).partitioned).toBe(false);
  });

  test.each([
    { name: 'unpartitioned downstream, partitioned upstream', up: daily, down: null, says: 'Use allPartitionsMapping()' },
    { name: 'time onto static', up: daily, down: regions, says: 'time windows and key lists do not share keys' },
    { name: 'multi onto single', up: byDateAndRegion, down: daily, says: 'multiToSingleDimensionMapping' },
    {
      name: 'multi with other dimensions',
      up: byDateAndRegion,
      down: multiPartitions({ date: daily, country: countries }),
      says: 'different dimensions',
    },
  ])('refuses $name', ({ up, down, says }) => {
    expect(() => identityMapping().validateFor({ upstream: up, downstream: down })).toThrow(PartitionMappingError);
    expect(() => identityMapping().validateFor({ upstream: up, downstream: down })).toThrow(says);
  });

  test('checks the downstream key', () => {
    expect(() => upstreamOf(identityMapping(), '2023-01-01', daily, daily)).toThrow(PartitionKeyError);
    expect(() => upstreamOf(identityMapping(), null, daily, daily)).toThrow('pass the downstream partition key');
    expect(() => upstreamOf(allPartitionsMapping(), 'x', daily, null)).toThrow('pass null');
  });
});

describe('timeWindowMapping', () => {
  test.each([
    { name: "yesterday's partition", options: { startOffset: -1, endOffset: -1 }, key: '2024-01-05', keys: ['2024-01-04'], missing: [] },
    { name: 'yesterday at the first partition: nothing', options: { startOffset: -1, endOffset: -1 }, key: '2024-01-01', keys: [], missing: ['2023-12-31'] },
    { name: 'the previous 3 days', options: { startOffset: -3, endOffset: -1 }, key: '2024-01-05', keys: ['2024-01-02', '2024-01-03', '2024-01-04'], missing: [] },
    { name: 'the previous 3 days near the start', options: { startOffset: -3, endOffset: -1 }, key: '2024-01-02', keys: ['2024-01-01'], missing: ['2023-12-30', '2023-12-31'] },
    { name: 'the last 7 days including today', options: { startOffset: -6 }, key: '2024-01-10', keys: ['2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10'], missing: [] },
    { name: 'tomorrow (not ended yet)', options: { startOffset: 1, endOffset: 1 }, key: '2024-03-19', keys: [], missing: ['2024-03-20'] },
    { name: 'same window by default', options: {}, key: '2024-01-05', keys: ['2024-01-05'], missing: [] },
  ])('daily → daily: $name', ({ options, key, keys, missing }) => {
    const result = upstreamOf(timeWindowMapping(options), key, daily, daily);
    expect(result.keys).toEqual(keys);
    expect(result.missing).toEqual(missing);
  });

  test('daily reading the previous day of an hourly asset gets 24 hours', () => {
    const result = upstreamOf(timeWindowMapping({ startOffset: -1, endOffset: -1 }), '2024-01-05', hourly, daily);
    expect(result.keys).toHaveLength(24);
    expect(result.keys[0]).toBe('2024-01-04-00:00');
    expect(result.cardinality).toBe('many');
  });

  test('an hour reading the previous day (offsets are in downstream windows): the hour before', () => {
    expect(upstreamOf(timeWindowMapping({ startOffset: -1, endOffset: -1 }), '2024-01-05-00:00', daily, hourly).keys).toEqual(['2024-01-04']);
    expect(upstreamOf(timeWindowMapping({ startOffset: -1, endOffset: -1 }), '2024-01-05-05:00', daily, hourly).keys).toEqual(['2024-01-05']);
  });

  test.each([
    { name: 'yesterday', options: { startOffset: -1, endOffset: -1 }, safe: true, cardinality: 'one' },
    { name: 'the 7 days before', options: { startOffset: -7, endOffset: -1 }, safe: true, cardinality: 'many' },
    { name: 'yesterday and today', options: { startOffset: -1, endOffset: 0 }, safe: false, cardinality: 'many' },
    { name: 'same window', options: {}, safe: false, cardinality: 'one' },
  ])('self-dependency and cardinality: $name', ({ options, safe, cardinality }) => {
    const mapping = timeWindowMapping(options);
    expect(mapping.selfDependentSafe).toBe(safe);
    expect(mapping.cardinality).toBe(cardinality);
    expect(mapping.cardinalityFor({ upstream: daily, downstream: daily })).toBe(cardinality);
    expect(mapping.cardinalityFor({ upstream: hourly, downstream: daily })).toBe('many');
  });

  test('a self-dependent asset: each day reads the day before, the first day reads nothing', () => {
    const mapping = timeWindowMapping({ startOffset: -1, endOffset: -1 });
    const keys = daily.keysInRange('2024-01-01', '2024-01-03', ctx);
    expect(keys.map((k) => mapping.upstreamKeysFor(k, { upstream: daily, downstream: daily }, ctx).keys)).toEqual([[], ['2024-01-01'], ['2024-01-02']]);
  });

  test('cardinality is typed from literal offsets', () => {
    expectTypeOf(timeWindowMapping({ startOffset: -1, endOffset: -1 }).cardinality).toEqualTypeOf<'one'>();
    expectTypeOf(timeWindowMapping().cardinality).toEqualTypeOf<'one'>();
    expectTypeOf(timeWindowMapping({ startOffset: -6 }).cardinality).toEqualTypeOf<'many'>();
    expectTypeOf(timeWindowMapping({ startOffset: -2, endOffset: -1 }).cardinality).toEqualTypeOf<'many'>();
    const offset: number = -1;
    expectTypeOf(timeWindowMapping({ startOffset: offset, endOffset: offset }).cardinality).toEqualTypeOf<'many'>();
    expectTypeOf(identityMapping().cardinality).toEqualTypeOf<'one'>();
    expectTypeOf(allPartitionsMapping().cardinality).toEqualTypeOf<'many'>();
    expectTypeOf(lastPartitionMapping().cardinality).toEqualTypeOf<'one'>();
    expectTypeOf(dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }).cardinality).toEqualTypeOf<'one'>();
    expectTypeOf(dimensionMapping({ date: timeWindowMapping({ startOffset: -3, endOffset: -1 }) }).cardinality).toEqualTypeOf<'many'>();
  });

  test.each([
    { name: 'startOffset after endOffset', make: () => timeWindowMapping({ startOffset: 0, endOffset: -1 }), says: 'did you swap them?' },
    { name: 'fractional offset', make: () => timeWindowMapping({ startOffset: -0.5 }), says: 'must be an integer' },
  ])('refuses $name', ({ make, says }) => {
    expect(make).toThrow(PartitionMappingError);
    expect(make).toThrow(says);
  });

  test('refuses non-time definitions', () => {
    expect(() => timeWindowMapping().validateFor({ upstream: regions, downstream: regions })).toThrow('maps time-window partitions onto time-window partitions');
    expect(() => timeWindowMapping().validateFor({ upstream: byDateAndRegion, downstream: byDateAndRegion })).toThrow('dimensionMapping');
  });
});

describe('allPartitionsMapping and lastPartitionMapping', () => {
  test('an unpartitioned asset reads every partition', () => {
    const result = upstreamOf(allPartitionsMapping(), null, dailyPartitions({ start: '2024-03-15' }), null);
    expect(result).toEqual({ partitioned: true, keys: ['2024-03-15', '2024-03-16', '2024-03-17', '2024-03-18', '2024-03-19'], missing: [], cardinality: 'many' });
  });

  test('a partitioned asset reads every partition too', () => {
    expect(upstreamOf(allPartitionsMapping(), 'eu', customers, regions).keys).toEqual(['acme', 'globex']);
  });

  test.each([
    { name: 'daily: the last completed day', up: daily, keys: ['2024-03-19'] },
    { name: 'daily with endOffset 1: today', up: dailyWithToday, keys: ['2024-03-20'] },
    { name: 'nothing ended yet', up: dailyPartitions({ start: '2024-03-20' }), keys: [] },
    { name: 'static: the last key', up: regions, keys: ['eu'] },
    { name: 'dynamic: the key added last', up: customers, keys: ['globex'] },
    { name: 'multi: last of each dimension', up: byDateAndRegion, keys: ['2024-03-19|eu'] },
  ])('lastPartitionMapping, $name', ({ up, keys }) => {
    expect(upstreamOf(lastPartitionMapping(), null, up, null).keys).toEqual(keys);
    expect(upstreamOf(lastPartitionMapping(), 'us', up, regions).keys).toEqual(keys);
  });
});

describe('staticMapping', () => {
  const toAreas = staticMapping({ us: 'na', ca: 'na', de: 'eu', fr: 'eu' });

  test.each([
    { name: 'many to one', key: 'na', keys: ['us', 'ca'] },
    { name: 'in upstream order', key: 'eu', keys: ['de', 'fr'] },
    { name: 'a downstream key not in the table reads nothing', key: 'apac', keys: [] },
  ])('$name', ({ key, keys }) => {
    expect(upstreamOf(toAreas, key, countries, areas)).toEqual({ partitioned: true, keys, missing: [], cardinality: 'many' });
  });

  test('one to many', () => {
    const fanOut = staticMapping({ us: ['na', 'apac'], de: 'eu' });
    expect(upstreamOf(fanOut, 'apac', countries, areas).keys).toEqual(['us']);
    expect(upstreamOf(fanOut, 'na', countries, areas).keys).toEqual(['us']);
  });

  test('dynamic upstream: keys not added yet are missing', () => {
    expect(upstreamOf(staticMapping({ acme: 'na', hooli: 'na' }), 'na', customers, areas)).toMatchObject({ keys: ['acme'], missing: ['hooli'] });
  });

  test.each([
    { name: 'an unknown upstream key', table: { us: 'na', uk: 'eu' }, says: 'upstream keys "uk" (did you mean "us"?) are not in static partitions (us, ca, de, fr)' },
    { name: 'an unknown downstream key', table: { us: 'nam' }, says: 'downstream keys "nam" (did you mean "na"?)' },
  ])('validateFor refuses $name', ({ table, says }) => {
    expect(() => staticMapping(table as Record<string, string>).validateFor({ upstream: countries, downstream: areas })).toThrow(says);
  });

  test('refuses an empty table and time partitions', () => {
    expect(() => staticMapping({})).toThrow(PartitionMappingError);
    expect(() => toAreas.validateFor({ upstream: daily, downstream: areas })).toThrow('static or dynamic partitions');
  });
});

describe('multiToSingleDimensionMapping', () => {
  test('multi downstream reads the single upstream of its dimension', () => {
    const mapping = multiToSingleDimensionMapping({ dimension: 'date' });
    expect(upstreamOf(mapping, '2024-01-05|eu', daily, byDateAndRegion)).toEqual({ partitioned: true, keys: ['2024-01-05'], missing: [], cardinality: 'one' });
    expect(upstreamOf(multiToSingleDimensionMapping({ dimension: 'region' }), '2024-01-05|eu', regions, byDateAndRegion).keys).toEqual(['eu']);
  });

  test('single downstream reads every key of the multi upstream for its dimension value', () => {
    expect(upstreamOf(multiToSingleDimensionMapping({ dimension: 'date' }), '2024-01-05', byDateAndRegion, daily)).toEqual({
      partitioned: true,
      keys: ['2024-01-05|us', '2024-01-05|eu'],
      missing: [],
      cardinality: 'many',
    });
    expect(upstreamOf(multiToSingleDimensionMapping({ dimension: 'region' }), 'eu', byDateAndRegion, regions).keys).toHaveLength(79 /* days to 2024-03-19 */);
  });

  test('the dimension is inferred when only one fits', () => {
    expect(upstreamOf(multiToSingleDimensionMapping(), '2024-01-05|us', daily, byDateAndRegion).keys).toEqual(['2024-01-05']);
    expect(upstreamOf(multiToSingleDimensionMapping(), '2024-01-05|us', regions, byDateAndRegion).keys).toEqual(['us']);
    // a weekly upstream through the date dimension: overlapping windows
    expect(upstreamOf(multiToSingleDimensionMapping(), '2024-01-09|us', weekly, byDateAndRegion).keys).toEqual(['2024-01-08']);
  });

  test.each([
    {
      name: 'an ambiguous dimension',
      mapping: multiToSingleDimensionMapping(),
      up: staticPartitions(['x']),
      down: multiPartitions({ a: staticPartitions(['x', 'y']), b: staticPartitions(['z']) }),
      says: "cannot tell which of the dimensions a, b matches static partitions (x); pass { dimension: 'a' }",
    },
    { name: 'an unknown dimension', mapping: multiToSingleDimensionMapping({ dimension: 'day' }), up: daily, down: byDateAndRegion, says: 'names dimension "day"' },
    { name: 'two multis', mapping: multiToSingleDimensionMapping(), up: byDateAndRegion, down: byDateAndRegion, says: 'both sides are multi partitions' },
    { name: 'a dimension of another kind', mapping: multiToSingleDimensionMapping({ dimension: 'region' }), up: daily, down: byDateAndRegion, says: 'cannot match dimension region' },
  ])('refuses $name', ({ mapping, up, down, says }) => {
    expect(() => mapping.validateFor({ upstream: up, downstream: down })).toThrow(PartitionMappingError);
    expect(() => mapping.validateFor({ upstream: up, downstream: down })).toThrow(says);
  });
});

describe('dimensionMapping', () => {
  const previousDaySameRegion = dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }) });

  test.each([
    { name: 'previous day, same region', key: '2024-01-03|us', keys: ['2024-01-02|us'], missing: [] },
    { name: 'first day: nothing', key: '2024-01-01|eu', keys: [], missing: ['2023-12-31|eu'] },
  ])('$name', ({ key, keys, missing }) => {
    expect(upstreamOf(previousDaySameRegion, key, byDateAndRegion, byDateAndRegion)).toEqual({ partitioned: true, keys, missing, cardinality: 'one' });
  });

  test('every region of the previous day', () => {
    const mapping = dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }), region: allPartitionsMapping() });
    expect(upstreamOf(mapping, '2024-01-03|us', byDateAndRegion, byDateAndRegion).keys).toEqual(['2024-01-02|us', '2024-01-02|eu']);
    expect(mapping.cardinality).toBe('many');
  });

  test('hourly × region upstream, daily × region downstream: a day of hours', () => {
    const hourlyByRegion = multiPartitions({ date: hourly, region: regions });
    const result = upstreamOf(dimensionMapping({}), '2024-01-03|eu', hourlyByRegion, byDateAndRegion);
    expect(result.keys).toHaveLength(24);
    expect(result.keys[0]).toBe('2024-01-03-00:00|eu');
    expect(result.cardinality).toBe('many');
  });

  test.each([
    { name: 'different dimension names', up: multiPartitions({ day: daily, region: regions }), says: 'same dimension names' },
    { name: 'a single-dimension upstream', up: daily, says: 'multiToSingleDimensionMapping' },
  ])('refuses $name', ({ up, says }) => {
    expect(() => previousDaySameRegion.validateFor({ upstream: up, downstream: byDateAndRegion })).toThrow(says);
  });

  test('refuses unknown dimensions and nested multi mappings', () => {
    expect(() => dimensionMapping({ day: identityMapping() }).validateFor({ upstream: byDateAndRegion, downstream: byDateAndRegion })).toThrow('"day", which are not dimensions');
    expect(() => dimensionMapping({ date: multiToSingleDimensionMapping() })).toThrow(PartitionMappingError);
    expect(() => dimensionMapping({ region: timeWindowMapping() }).validateFor({ upstream: byDateAndRegion, downstream: byDateAndRegion })).toThrow('dimension region');
  });
});

describe('defaultMappingFor', () => {
  test.each([
    { name: 'unpartitioned upstream', up: null, down: daily, kind: 'identity' },
    { name: 'unpartitioned downstream', up: daily, down: null, kind: 'all-partitions' },
    { name: 'both unpartitioned', up: null, down: null, kind: 'identity' },
    { name: 'same cadence', up: daily, down: dailyLater, kind: 'identity' },
    { name: 'hourly into daily', up: hourly, down: daily, kind: 'time-window' },
    { name: 'static into static', up: regions, down: areas, kind: 'identity' },
    { name: 'dynamic into static', up: customers, down: regions, kind: 'identity' },
    { name: 'daily into multi', up: daily, down: byDateAndRegion, kind: 'multi-to-single-dimension' },
    { name: 'multi into static', up: byDateAndRegion, down: regions, kind: 'multi-to-single-dimension' },
    { name: 'multi into multi', up: byDateAndRegion, down: byDateAndRegion, kind: 'identity' },
  ])('$name → $kind', ({ up, down, kind }) => {
    expect(defaultMappingFor(up, down).kind).toBe(kind);
  });

  test('no default between time windows and static keys', () => {
    expect(() => defaultMappingFor(daily, regions)).toThrow(PartitionMappingError);
    expect(() => defaultMappingFor(daily, regions)).toThrow('name one on the dependency');
  });
});

describe('several downstream keys (range runs)', () => {
  test('union in upstream order, duplicates once', () => {
    const mapping = timeWindowMapping({ startOffset: -1, endOffset: 0 });
    const result = mapping.upstreamKeysForKeys(['2024-01-03', '2024-01-02'], { upstream: daily, downstream: daily }, ctx);
    expect(result).toEqual({ partitioned: true, keys: ['2024-01-01', '2024-01-02', '2024-01-03'], missing: [], cardinality: 'many' });
  });

  test('a range of days reads its hours', () => {
    const result = identityMapping().upstreamKeysForRange({ from: '2024-01-02', to: '2024-01-04' }, { upstream: hourly, downstream: daily }, ctx);
    expect(result.keys).toHaveLength(72);
    expect(result.keys[0]).toBe('2024-01-02-00:00');
    expect(result.keys.at(-1)).toBe('2024-01-04-23:00');
  });

  test('missing keys that another downstream key found are not missing', () => {
    const result = timeWindowMapping({ startOffset: -1, endOffset: -1 }).upstreamKeysForRange({ from: '2024-01-01', to: '2024-01-03' }, { upstream: daily, downstream: daily }, ctx);
    expect(result.keys).toEqual(['2024-01-01', '2024-01-02']);
    expect(result.missing).toEqual(['2023-12-31']);
  });

  test('the range is validated', () => {
    expect(() => identityMapping().upstreamKeysForRange({ from: '2024-01-04', to: '2024-01-02' }, { upstream: daily, downstream: daily }, ctx)).toThrow(PartitionKeyError);
  });
});

describe('mapping specs', () => {
  test.each([
    { name: 'identity', mapping: identityMapping(), text: 'identity (same partition key; overlapping windows between time cadences)' },
    { name: 'time window', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }), text: 'time window offset by -1 window' },
    { name: 'time window range', mapping: timeWindowMapping({ startOffset: -7, endOffset: -1 }), text: 'time window from offset -7 to offset -1' },
    { name: 'all', mapping: allPartitionsMapping(), text: 'all upstream partitions' },
    { name: 'last', mapping: lastPartitionMapping(), text: 'last upstream partition' },
    { name: 'static', mapping: staticMapping({ us: 'na', de: ['eu', 'emea'] }), text: 'static (us -> na, de -> eu/emea)' },
    { name: 'multi to single', mapping: multiToSingleDimensionMapping({ dimension: 'date' }), text: 'multi to single dimension (date)' },
    { name: 'dimension', mapping: dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }), text: 'by dimension (date: time window offset by -1 window; others identity)' },
  ])('$name round-trips through JSON and describes itself', ({ mapping, text }) => {
    const spec = JSON.parse(JSON.stringify(mapping));
    expect(spec).toEqual(mapping.spec);
    const again = partitionMappingFromSpec(spec);
    expect(again.spec).toEqual(mapping.spec);
    expect(again.cardinality).toBe(mapping.cardinality);
    expect(mapping.describe()).toBe(text);
  });
});
