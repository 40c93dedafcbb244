import { expectTypeOf } from 'expect-type';
import { StratumInvariantError } from '../../sdk/errors';
import {
  dailyPartitions,
  describePartitionKeyRange,
  dynamicPartitions,
  hourlyPartitions,
  multiPartitions,
  parsePartitionKeyRange,
  PartitionKeyError,
  PartitionsDefinitionError,
  partitionsDefinitionFromSpec,
  samePartitions,
  sortPartitionKeys,
  staticPartitions,
  weeklyPartitions,
} from '../../sdk/partitions';
import { keyError } from './key-error';

const now = new Date('2024-01-04T12:00:00Z');
const stored: Record<string, string[]> = { customers: ['acme', 'globex', 'initech'] };
const ctx = { now, dynamicKeys: (name: string) => stored[name] ?? [] };

describe('static partitions', () => {
  const regions = staticPartitions(['us', 'eu', 'ap']);

  test('keys in the order given, typed by the literals', () => {
    expect(regions.keys()).toEqual(['us', 'eu', 'ap']);
    expect(regions.count(ctx)).toBe(3);
    expectTypeOf(regions.keys()).toEqualTypeOf<('us' | 'eu' | 'ap')[]>();
    expect(regions.keysInRange('eu', 'ap', ctx)).toEqual(['eu', 'ap']);
    expect(regions.describe()).toBe('static partitions (us, eu, ap)');
    expect(JSON.parse(JSON.stringify(regions))).toEqual({ kind: 'static', keys: ['us', 'eu', 'ap'] });
  });

  test.each([
    { name: 'unknown key lists the values and suggests', key: 'eu2', says: ['"eu2" is not a partition of static partitions (us, eu, ap): valid keys are us, eu, ap.', 'Did you mean "eu"?'] },
    { name: 'case matters', key: 'US', says: ['Did you mean "us"?'] },
    { name: 'empty key', key: '', says: ['valid keys are us, eu, ap'] },
  ])('validateKey: $name', ({ key, says }) => {
    const error = keyError(() => regions.validateKey(key, ctx));
    expect(error.problem).toBe('unknown-value');
    for (const s of says) expect(error.message).toContain(s);
    expect(regions.hasKey(key, ctx)).toBe(false);
  });

  test('long lists are truncated in messages', () => {
    const many = staticPartitions(Array.from({ length: 40 }, (_, i) => `k${i}`));
    const error = keyError(() => many.validateKey('nope', ctx));
    expect(error.message).toContain('k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, … and 30 more');
  });

  test('a reversed range', () => {
    expect(keyError(() => regions.keysInRange('ap', 'us', ctx)).problem).toBe('range-reversed');
  });

  test.each([
    { name: 'empty list', keys: [], says: 'non-empty array' },
    { name: 'duplicates', keys: ['a', 'b', 'a', 'b'], says: 'duplicate keys "a", "b"' },
    { name: 'a pipe', keys: ['a|b'], says: '"|"' },
    { name: 'the range separator', keys: ['a...b'], says: '"..."' },
    { name: 'surrounding spaces', keys: [' a'], says: 'leading or trailing spaces' },
    { name: 'an empty key', keys: [''], says: 'cannot be empty' },
  ])('refuses $name', ({ keys, says }) => {
    expect(() => staticPartitions(keys)).toThrow(PartitionsDefinitionError);
    expect(() => staticPartitions(keys)).toThrow(says);
  });
});

describe('dynamic partitions', () => {
  const customers = dynamicPartitions({ name: 'customers' });

  test('keys come from ctx.dynamicKeys in the order added', () => {
    expect(customers.keys(ctx)).toEqual(['acme', 'globex', 'initech']);
    expect(customers.hasKey('globex', ctx)).toBe(true);
    expect(customers.keysInRange('globex', 'initech', ctx)).toEqual(['globex', 'initech']);
    expect(customers.spec).toEqual({ kind: 'dynamic', name: 'customers' });
  });

  test('an unknown key says how to add it', () => {
    const error = keyError(() => customers.validateKey('hooli', ctx));
    expect(error.problem).toBe('unknown-value');
    expect(error.message).toBe(
      '"hooli" is not a partition of dynamic partitions "customers": it has 3 keys: acme, globex, initech. Add it with `stratum partitions add customers hooli`, or pass an existing key.',
    );
  });

  test('no keys yet', () => {
    const error = keyError(() => dynamicPartitions({ name: 'files' }).validateKey('a.csv', ctx));
    expect(error.message).toContain('it has no keys yet. Add it with `stratum partitions add files a.csv`');
  });

  test('without dynamicKeys in the context it is a programming error', () => {
    expect(() => customers.keys({ now })).toThrow(StratumInvariantError);
    expect(() => customers.keys({ now })).toThrow('pass ctx = { now, dynamicKeys');
  });

  test.each(['', 'has space', 'a/b', '-x'])('refuses the name %j', (name) => {
    expect(() => dynamicPartitions({ name })).toThrow(PartitionsDefinitionError);
  });
});

describe('multi partitions', () => {
  const byDateAndRegion = multiPartitions({
    region: staticPartitions(['us', 'eu']),
    date: dailyPartitions({ start: '2024-01-01' }),
  });

  test('keys: dimensions in name order, first dimension outermost', () => {
    expect(byDateAndRegion.dimensions.map((d) => d.name)).toEqual(['date', 'region']);
    expect(byDateAndRegion.keys(ctx)).toEqual(['2024-01-01|us', '2024-01-01|eu', '2024-01-02|us', '2024-01-02|eu', '2024-01-03|us', '2024-01-03|eu']);
    expect(byDateAndRegion.count(ctx)).toBe(6);
    expect(byDateAndRegion.timeDimension?.name).toBe('date');
  });

  test('split and join keys', () => {
    const parts = byDateAndRegion.splitKey('2024-01-02|eu');
    expect(parts).toEqual({ date: '2024-01-02', region: 'eu' });
    expectTypeOf(parts.region).toEqualTypeOf<'us' | 'eu'>();
    expectTypeOf(parts.date).toEqualTypeOf<string>();
    expect(byDateAndRegion.joinKey({ region: 'us', date: '2024-01-01' })).toBe('2024-01-01|us');
    expect(() => byDateAndRegion.splitKey('2024-01-02')).toThrow('a key is a date key and a region key joined by "|" (date|region)');
    expect(() => byDateAndRegion.joinKey({ date: '2024-01-01' } as never)).toThrow('region must be a key string');
  });

  test.each([
    { name: 'a valid key', key: '2024-01-03|eu', valid: true, problem: null, says: null },
    { name: 'dimensions swapped', key: 'eu|2024-01-03', valid: false, problem: 'format', says: 'its date part is invalid' },
    { name: 'unknown region', key: '2024-01-03|ap', valid: false, problem: 'unknown-value', says: 'its region part is invalid. "ap" is not a partition of static partitions (us, eu)' },
    { name: 'date not ended', key: '2024-01-04|us', valid: false, problem: 'out-of-range', says: 'valid keys run from 2024-01-01 to 2024-01-03' },
    { name: 'one part', key: '2024-01-03', valid: false, problem: 'format', says: 'e.g. 2024-01-01|us' },
    { name: 'three parts', key: '2024-01-03|us|x', valid: false, problem: 'format', says: 'joined by "|"' },
  ])('validateKey: $name', ({ key, valid, problem, says }) => {
    expect(byDateAndRegion.hasKey(key, ctx)).toBe(valid);
    if (valid) {
      expect(() => byDateAndRegion.validateKey(key, ctx)).not.toThrow();
      return;
    }
    const error = keyError(() => byDateAndRegion.validateKey(key, ctx));
    expect(error.problem).toBe(problem);
    expect(error.key).toBe(key);
    expect(error.message).toContain(says);
  });

  test('keysInRange is the box between the corners', () => {
    expect(byDateAndRegion.keysInRange('2024-01-02|us', '2024-01-03|us', ctx)).toEqual(['2024-01-02|us', '2024-01-03|us']);
    expect(byDateAndRegion.keysInRange('2024-01-01|us', '2024-01-02|eu', ctx)).toEqual(['2024-01-01|us', '2024-01-01|eu', '2024-01-02|us', '2024-01-02|eu']);
    expect(keyError(() => byDateAndRegion.keysInRange('2024-01-01|eu', '2024-01-02|us', ctx)).problem).toBe('range-reversed');
  });

  test('static × static and static × dynamic', () => {
    const grid = multiPartitions({ color: staticPartitions(['red', 'blue']), size: staticPartitions(['s', 'm']) });
    expect(grid.keys(ctx)).toEqual(['red|s', 'red|m', 'blue|s', 'blue|m']);
    const perCustomer = multiPartitions({ customer: dynamicPartitions({ name: 'customers' }), region: staticPartitions(['us']) });
    expect(perCustomer.keys(ctx)).toEqual(['acme|us', 'globex|us', 'initech|us']);
  });

  test.each([
    { name: 'one dimension', make: () => multiPartitions({ date: dailyPartitions({ start: '2024-01-01' }) }), says: 'exactly two dimensions, got 1 (date)' },
    {
      name: 'three dimensions',
      make: () => multiPartitions({ a: staticPartitions(['x']), b: staticPartitions(['y']), c: staticPartitions(['z']) }),
      says: 'exactly two dimensions, got 3',
    },
    {
      name: 'two time dimensions',
      make: () => multiPartitions({ day: dailyPartitions({ start: '2024-01-01' }), week: weeklyPartitions({ start: '2024-01-01' }) }),
      says: 'at most one dimension can be',
    },
    {
      name: 'nested multi',
      make: () =>
        multiPartitions({ a: staticPartitions(['x']), b: multiPartitions({ c: staticPartitions(['y']), d: staticPartitions(['z']) }) as never }),
      says: 'do not nest',
    },
    { name: 'a pipe in a dimension name', make: () => multiPartitions({ 'a|b': staticPartitions(['x']), c: staticPartitions(['y']) }), says: 'without "|"' },
  ])('refuses $name', ({ make, says }) => {
    expect(make).toThrow(PartitionsDefinitionError);
    expect(make).toThrow(says);
  });

  test('spec round-trips through JSON', () => {
    const spec = JSON.parse(JSON.stringify(byDateAndRegion));
    const again = partitionsDefinitionFromSpec(spec);
    expect(again.keys(ctx)).toEqual(byDateAndRegion.keys(ctx));
    expect(samePartitions(again, byDateAndRegion)).toBe(true);
    expect(byDateAndRegion.describe()).toBe('multi partitions date × region (date: daily partitions starting 2024-01-01 (UTC); region: static partitions (us, eu))');
  });
});

describe('key ranges and ordering', () => {
  test.each([
    { name: 'a range', range: { from: '2024-01-01', to: '2024-01-31' }, text: '2024-01-01...2024-01-31' },
    { name: 'a single key', range: { from: 'us', to: 'us' }, text: 'us' },
  ])('describePartitionKeyRange: $name', ({ range, text }) => {
    expect(describePartitionKeyRange(range)).toBe(text);
    expect(parsePartitionKeyRange(text)).toEqual(range);
  });

  test.each(['...b', 'a...', 'a...b...c', ''])('parsePartitionKeyRange refuses %j', (text) => {
    expect(() => parsePartitionKeyRange(text)).toThrow(PartitionKeyError);
  });

  test('sortPartitionKeys orders by each definition and drops duplicates', () => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:00' });
    expect(sortPartitionKeys(hourly, ['2024-01-01-10:00', '2024-01-01-02:00', '2024-01-01-10:00'], ctx)).toEqual(['2024-01-01-02:00', '2024-01-01-10:00']);
    expect(sortPartitionKeys(staticPartitions(['us', 'eu', 'ap']), ['ap', 'zz', 'us'], ctx)).toEqual(['us', 'ap', 'zz']);
    expect(sortPartitionKeys(dynamicPartitions({ name: 'customers' }), ['initech', 'acme'], ctx)).toEqual(['acme', 'initech']);
  });
});
