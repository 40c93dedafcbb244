/** Definitions whose executions the replay histories record. */
import { z } from 'zod';
import { asset, assetCheck, assetSensor, dailyPartitions, Definitions, inMemoryIOManager, runFailureSensor, schedule, sensor, timeWindowMapping } from '../../sdk';

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

/** A blocking check that fails, so a notifying run also records a failed check step. */
export const sourceNotEmpty = assetCheck({ asset: source, name: 'not_empty', blocking: true }, (rows) => rows.length > 100);
/** Watches `replay/source`: notified by runs that materialize it. */
export const sourceSensor = assetSensor({ name: 'replay_source_sensor', assets: [source], selection: 'replay/fine' });
/** Told about failed runs. */
export const failures = runFailureSensor({ name: 'replay_failures', fn: () => undefined });
/** Triggered by payloads; its runs are keyed by the payload's id. */
export const files = sensor({
  name: 'replay_files',
  selection: 'replay/source',
  triggerSchema: z.object({ id: z.string() }),
  evaluate: (ctx, trigger) => {
    if (trigger.kind !== 'payload') return [];
    ctx.updateCursor(trigger.payload.id);
    return [{ runKey: trigger.payload.id }];
  },
});
export const hourly = schedule({ name: 'replay_hourly', selection: 'replay/source', every: '1h', defaultStatus: 'stopped' });

export const replayDefinitions = new Definitions({
  assets: [source, broken, skipped, fine, daily],
  assetChecks: [sourceNotEmpty],
  sensors: [sourceSensor, failures, files],
  schedules: [hourly],
  ioManagers: { default: inMemoryIOManager() },
});
