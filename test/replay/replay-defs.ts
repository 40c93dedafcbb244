/** Definitions whose executions the replay histories record. */
import { asset, dailyPartitions, Definitions, inMemoryIOManager, timeWindowMapping } from '../../sdk';

export const source = asset({ key: 'replay/source' }, () => [1, 2, 3]);
export const broken = asset({ key: 'replay/broken', ins: { source }, retry: { maximumAttempts: 1 } }, () => {
  throw new Error('recorded failure');
});
export const skipped = asset({ key: 'replay/skipped', ins: { broken } }, ({ broken }) => broken);
export const fine = asset({ key: 'replay/fine', ins: { source } }, ({ source }) => source.length);
export const daily = asset(
  {
    key: 'replay/daily',
    partitions: dailyPartitions({ start: '2024-01-01', end: '2024-02-01' }),
    deps: [{ asset: 'replay/daily', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }],
  },
  (_, ctx) => ctx.partitionKey,
);

export const replayDefinitions = new Definitions({ assets: [source, broken, skipped, fine, daily], ioManagers: { default: inMemoryIOManager() } });
