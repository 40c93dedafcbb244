/** Definitions of the sensor benchmark: a sensor whose every payload starts one run of one no-op asset. */
import { z } from 'zod';
import { asset, Definitions, filesystemIOManager, sensor } from '../sdk';

export function benchSensorDefinitions(storageDir: string) {
  const noop = asset({ key: 'bench/noop' }, () => 0);
  const onPayload = sensor({
    name: 'bench_sensor',
    selection: 'bench/noop',
    triggerSchema: z.object({ batch: z.string(), i: z.number().int() }),
    evaluate: (_ctx, trigger) =>
      trigger.kind === 'payload' ? [{ runKey: `${trigger.payload.batch}-${trigger.payload.i}`, tags: { batch: trigger.payload.batch, i: String(trigger.payload.i), receivedAt: String(trigger.receivedAt.getTime()), evaluatedAt: String(Date.now()) } }] : [],
  });
  const definitions = new Definitions({ assets: [noop], sensors: [onPayload], ioManagers: { default: filesystemIOManager({ baseDir: storageDir }) } });
  return { definitions, sensor: onPayload };
}
