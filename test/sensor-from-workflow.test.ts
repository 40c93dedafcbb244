import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { startSensor, stopSensor, sensorState } from '../client/sensor-client';
import { asset, Definitions, inMemoryIOManager, sensor } from '../sdk';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { uniqueTaskQueue } from './harness/test-env';
import { waitFor } from './harness/wait';

const loaded = asset({ key: 'wf/loaded' }, () => 'ok');
const files = sensor({
  name: 'wf_files',
  selection: 'wf/loaded',
  triggerSchema: z.object({ file: z.string().min(1) }),
  evaluate: (_ctx, trigger) => (trigger.kind === 'payload' ? [{ runKey: trigger.payload.file, tags: { file: trigger.payload.file } }] : []),
});
const defs = new Definitions({ assets: [loaded], sensors: [files], ioManagers: { default: inMemoryIOManager() } });

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'wf-sensor' });
  await startSensor(t.client, files, { taskQueue: t.taskQueue });
});
afterAll(async () => {
  await stopSensor(t.client, files.name).catch(() => false);
  await t?.stop();
});

test("the user's own workflow triggers a sensor; a payload failing the schema is rejected, never evaluated", async () => {
  // The user's worker: their workflow code, their task queue, bundled with Stratum's helper.
  const taskQueue = uniqueTaskQueue('user-workflows');
  const bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'workflows', 'order-intake.ts'), logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never });
  const worker = await Worker.create({ connection: t.nativeConnection, taskQueue, workflowBundle: bundle });
  await worker.runUntil(async () => {
    await t.client.workflow.execute('orderIntake', { workflowId: `intake-${Date.now()}`, taskQueue, args: ['a.csv'] });
    await t.client.workflow.execute('orderIntake', { workflowId: `intake-bad-${Date.now()}`, taskQueue, args: [''] });
  });
  await waitFor(async () => (await sensorState(t.client, files.name))?.counters.rejected === 1 && (await t.catalog.listRuns()).some((r) => r.endedAt !== null));
  const runs = await t.catalog.listRuns();
  expect(runs.map((r) => r.tags.file)).toEqual(['a.csv']);
  const state = await sensorState(t.client, files.name);
  expect(state?.evaluations.map((e) => e.triggerId)).toContain('intake-a.csv');
});
