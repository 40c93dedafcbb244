import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import { allPartitionsMapping, asset, dailyPartitions, graph, multiAsset, op, resource, timeWindowMapping, upstream } from '../sdk';

// Type tests: checked by `tsc --noEmit` (npm run typecheck); jest only runs the runtime asserts.
describe('types flow from definitions', () => {
  test('an asset input is typed by the upstream asset output', () => {
    const orders = asset({ key: 'orders' }, () => [{ id: 'a', amount: 3 }]);
    const revenue = asset({ key: 'revenue', ins: { orders } }, ({ orders }) => {
      expectTypeOf(orders).toEqualTypeOf<{ id: string; amount: number }[]>();
      // @ts-expect-error: orders has no `total` field
      void orders[0]!.total;
      return orders.reduce((sum, o) => sum + o.amount, 0);
    });
    const report = asset({ key: 'report', ins: { revenue } }, ({ revenue }) => {
      expectTypeOf(revenue).toEqualTypeOf<number>();
      // @ts-expect-error: revenue is a number, not a string
      revenue.toUpperCase();
      return `${revenue}`;
    });
    expect(report.assetKey).toBe('report');
  });

  test('an output schema types the value and config types ctx.config', () => {
    const rows = asset({ key: 'rows', output: z.array(z.object({ n: z.number() })), config: z.object({ limit: z.number().default(3) }) }, (_, ctx) => {
      expectTypeOf(ctx.config.limit).toEqualTypeOf<number>();
      return [{ n: ctx.config.limit }];
    });
    asset({ key: 'sum', ins: { rows } }, ({ rows }) => {
      expectTypeOf(rows).toEqualTypeOf<{ n: number }[]>();
      return 1;
    });
    // @ts-expect-error: the function must return what the output schema describes
    asset({ key: 'bad', output: z.array(z.number()) }, () => 'not an array');
    expect(rows.assetKey).toBe('rows');
  });

  test('partition mappings type inputs: one value, nullable for time windows, or a record', () => {
    const days = dailyPartitions({ start: '2024-01-01' });
    const events = asset({ key: 'events', partitions: days }, () => ({ n: 1 }));
    asset(
      {
        key: 'uses',
        partitions: days,
        ins: { today: events, yesterday: upstream(events, timeWindowMapping({ startOffset: -1, endOffset: -1 })), all: upstream(events, allPartitionsMapping()) },
      },
      ({ today, yesterday, all }) => {
        expectTypeOf(today).toEqualTypeOf<{ n: number }>();
        expectTypeOf(yesterday).toEqualTypeOf<{ n: number } | null>();
        expectTypeOf(all).toEqualTypeOf<Record<string, { n: number }>>();
        // @ts-expect-error: yesterday may be null on the first day
        void yesterday.n;
        return today.n;
      },
    );
  });

  test('resources are typed on the context', () => {
    class Clock {
      now(): number {
        return 42;
      }
    }
    const clock = resource({ build: () => new Clock() });
    asset({ key: 'stamp', resources: { clock } }, (_, ctx) => {
      expectTypeOf(ctx.resources.clock.now()).toEqualTypeOf<number>();
      // @ts-expect-error: no such resource declared
      void ctx.resources.database;
      return ctx.resources.clock.now();
    });
  });

  test('multi-asset outputs are typed refs', () => {
    const split = multiAsset({ name: 'split', outs: { evens: { key: 'evens' }, odds: { key: 'odds' } } }, () => ({ evens: [2, 4], odds: ['1'] }));
    asset({ key: 'use', ins: { evens: split.assets.evens, odds: split.assets.odds } }, ({ evens, odds }) => {
      expectTypeOf(evens).toEqualTypeOf<number[]>();
      expectTypeOf(odds).toEqualTypeOf<string[]>();
      return evens.length + odds.length;
    });
    expect(split.outputKeys).toEqual({ evens: 'evens', odds: 'odds' });
  });

  test('graph wiring is type-checked', () => {
    const numbers = op({ name: 'numbers' }, () => [1, 2, 3]);
    const words = op({ name: 'words' }, () => ['a']);
    const total = op({ name: 'total', ins: { values: z.array(z.number()) } }, ({ values }) => values.reduce((a, b) => a + b, 0));
    const g = graph('g', (b) => {
      const n = b.add(numbers);
      const w = b.add(words);
      // @ts-expect-error: string[] does not fit an input declared as number[]
      b.add(total, { values: w }, { alias: 'wrong' });
      return b.add(total, { values: n });
    });
    expect(g.nodes.map((n) => n.name)).toEqual(['numbers', 'words', 'wrong', 'total']);
  });
});
