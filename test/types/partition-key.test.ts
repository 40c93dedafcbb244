import { expectTypeOf } from 'expect-type';
import { asset, dailyPartitions, multiAsset, op, singleRunBackfill, staticPartitions } from '../../sdk';

// Type tests: checked by `tsc --noEmit` (npm run typecheck); jest only runs the runtime asserts.
const days = dailyPartitions({ start: '2024-01-01' });

describe('ctx.partitionKey follows the partitions option', () => {
  test('a partitioned asset sees a string', () => {
    const events = asset({ key: 'events', partitions: days }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string>();
      return ctx.partitionKey.length;
    });
    const regions = asset({ key: 'regions', partitions: staticPartitions(['us', 'eu']) }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string>();
      return ctx.partitionKey.toUpperCase();
    });
    expect([events.partitions, regions.partitions].every((p) => p !== null)).toBe(true);
  });

  test('an unpartitioned asset, and ops, see string | null', () => {
    asset({ key: 'plain' }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string | null>();
      // @ts-expect-error: partitionKey may be null
      return ctx.partitionKey.length;
    });
    op({ name: 'an_op' }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string | null>();
      return 1;
    });
  });

  test('a backfill policy (range runs have no single key) keeps string | null', () => {
    asset({ key: 'ranged', partitions: days, backfillPolicy: singleRunBackfill() }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string | null>();
      return ctx.partitionKeys.length;
    });
  });

  test('a partitioned multi-asset sees a string', () => {
    const split = multiAsset({ name: 'split', partitions: days, outs: { a: { key: 'a' }, b: { key: 'b' } } }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string>();
      return { a: ctx.partitionKey, b: 1 };
    });
    multiAsset({ name: 'split_plain', outs: { a: { key: 'a2' } } }, (_, ctx) => {
      expectTypeOf(ctx.partitionKey).toEqualTypeOf<string | null>();
      return { a: 1 };
    });
    expect(split.outputKeys).toEqual({ a: 'a', b: 'b' });
  });
});
