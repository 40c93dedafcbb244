/**
 * Sensors on a real Temporal dev server with a real SQLite catalog: one long-running `sensor`
 * workflow per sensor, triggered by payloads (app code, update, raw signal), evaluating user code
 * in a local activity, starting each run key's run once (across continue-as-new, a worker restart,
 * and a stop and start), keeping its cursor, polling on a timer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { connectClient } from '../client/connection';
import { connectNative } from '../client/connect-native';
import { sensorState, startSensor, stopSensor } from '../client/sensor-client';
import { StratumClient } from '../client/stratum-client';
import { syncSensors } from '../client/sensor-sync';
import { asset, Definitions, DuplicateKeyError, inMemoryIOManager, InvalidDefinitionError, InvalidTriggerPayloadError, sensor, skip } from '../sdk';
import { SENSOR, sensorWorkflowId } from '../sdk/protocol/sensor-contract';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { openCatalog, type Catalog, type RunRecord } from '../sdk/catalog';
import type { SensorStateView } from '../sdk/protocol/sensor-state';
import { createWorker, type StratumWorker } from '../worker/create-worker';
import { installQuietRuntime } from './harness/stratum-test-worker';
import { testTemporalTarget, testWorkflowBundlePath, uniqueTaskQueue } from './harness/test-env';
import { captureError, waitFor } from './harness/wait';

// ---------------------------------------------------------------------------------------------
// Definitions. The worker runs in this process, so sensors record what they saw in these arrays.
// ---------------------------------------------------------------------------------------------

const target = asset({ key: 'sensortest/target' }, (_, ctx) => ({ runId: ctx.runId }));

const filesEvaluated: string[] = [];
const files = sensor({
  name: 'st_files',
  selection: 'sensortest/target',
  triggerSchema: z.object({ file: z.string().min(1), size: z.number().int().nonnegative() }),
  evaluate: (_ctx, trigger) => {
    if (trigger.kind !== 'payload') return skip('ticks do nothing');
    filesEvaluated.push(trigger.payload.file);
    return trigger.payload.size === 0 ? skip(`${trigger.payload.file} is empty`) : [{ runKey: trigger.payload.file, tags: { file: trigger.payload.file } }];
  },
});

const cursorsSeen: (string | null)[] = [];
const counter = sensor({
  name: 'st_counter',
  selection: 'sensortest/target',
  triggerSchema: z.object({ add: z.number().int() }),
  evaluate: (ctx, trigger) => {
    cursorsSeen.push(ctx.cursor);
    if (trigger.kind === 'payload') ctx.updateCursor(String(Number(ctx.cursor ?? '0') + trigger.payload.add));
    return skip('counting only');
  },
});

const ticks: Date[] = [];
const poller = sensor({
  name: 'st_poller',
  every: '1s',
  selection: 'sensortest/target',
  evaluate: (_ctx, trigger) => {
    if (trigger.kind === 'tick') ticks.push(trigger.at);
    return skip('polled');
  },
});

let flakyCalls = 0;
const flaky = sensor({
  name: 'st_flaky',
  selection: 'sensortest/target',
  triggerSchema: z.object({ fail: z.boolean() }),
  evaluate: (_ctx, trigger) => {
    flakyCalls += 1;
    if (trigger.kind === 'payload' && trigger.payload.fail) throw new Error('the bucket listing timed out');
    return [{ runKey: null }];
  },
});

const configured = asset({ key: 'sensortest/configured', config: z.object({ note: z.string() }) }, (_, ctx) => ctx.config.note.length);
/** Asks for a run whose plan is too big for Temporal (3 MB of config > the 2 MB payload limit) when told to. */
const oversized = sensor({
  name: 'st_oversized',
  selection: 'sensortest/configured',
  triggerSchema: z.object({ key: z.string(), huge: z.boolean() }),
  evaluate: (_ctx, trigger) =>
    trigger.kind === 'payload' ? [{ runKey: trigger.payload.key, config: { 'sensortest/configured': { note: trigger.payload.huge ? 'x'.repeat(3_000_000) : 'fits' } } }] : [],
});

const definitions = new Definitions({ assets: [target, configured], sensors: [files, counter, poller, flaky, oversized], ioManagers: { default: inMemoryIOManager() } });

// ---------------------------------------------------------------------------------------------
// A worker that can be restarted on the same task queue and catalog.
// ---------------------------------------------------------------------------------------------

let client: Client;
let connection: Connection;
let native: NativeConnection;
let catalog: Catalog;
let tmpDir: string;
let taskQueue: string;
/** App code's view: sensors are triggered through the client's method. */
let stratum: StratumClient;
let worker: { stratum: StratumWorker; running: Promise<void> } | null = null;

async function startWorker(): Promise<void> {
  const stratum = await createWorker(definitions, { connection: native, taskQueue, catalog, workflowBundle: { codePath: testWorkflowBundlePath() }, shutdownGraceTime: '1s' });
  worker = { stratum, running: stratum.run() };
}

async function stopWorker(): Promise<void> {
  if (!worker) return;
  worker.stratum.shutdown();
  await worker.running;
  worker = null;
}

beforeAll(async () => {
  installQuietRuntime();
  tmpDir = mkdtempSync(path.join(tmpdir(), 'stratum-sensor-test-'));
  catalog = await openCatalog(path.join(tmpDir, 'catalog.db'));
  taskQueue = uniqueTaskQueue('sensor');
  ({ client, connection } = await connectClient(testTemporalTarget()));
  native = await connectNative(testTemporalTarget());
  stratum = new StratumClient(client, definitions, { taskQueue, catalog });
  await startWorker();
});

afterAll(async () => {
  for (const s of definitions.declaredSensors) await stopSensor(client, s.name).catch(() => undefined);
  await stopWorker();
  await native?.close();
  await connection?.close();
  await catalog?.close();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

async function sensorRuns(name: string): Promise<RunRecord[]> {
  return (await catalog.listRuns({ limit: 1_000 })).filter((r) => r.tags['stratum/sensor'] === name);
}

async function stateOf(name: string): Promise<SensorStateView> {
  return (await sensorState(client, name))!;
}

// ---------------------------------------------------------------------------------------------

describe('payloads are checked against the sensor schema', () => {
  beforeAll(async () => {
    await startSensor(client, files, { taskQueue });
  });

  test('app code: a payload failing the schema is refused with the zod message, and nothing is sent', async () => {
    const error = (await stratum.triggerSensor(files, { file: '', size: -1 }).then(() => null, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidTriggerPayloadError);
    expect(error.message).toContain('sensor "st_files"');
    expect(error.message).toMatch(/file: .*(>=1|at least 1|too small)/i);
    expect(error.message).toMatch(/size: /);
    const state = await stateOf('st_files');
    expect(state.counters.evaluations).toBe(0);
    expect(state.counters.rejected).toBe(0);
  });

  test('a raw signal with a bad payload is counted as rejected and never reaches evaluate', async () => {
    const before = filesEvaluated.length;
    await client.workflow.getHandle(sensorWorkflowId('st_files')).signal(SENSOR.triggerSignal, { payload: { file: 42 }, triggerId: 'raw-bad' });
    await waitFor(async () => (await stateOf('st_files')).counters.rejected === 1);
    const state = await stateOf('st_files');
    const entry = state.evaluations.find((e) => e.triggerId === 'raw-bad')!;
    expect(entry.outcome).toBe('rejected');
    expect(entry.error).toContain('does not fit its triggerSchema');
    expect(filesEvaluated.length).toBe(before);
  });

  test('payload types come from the schema (z.input)', () => {
    // @ts-expect-error size must be a number
    void (() => stratum.triggerSensor(files, { file: 'a', size: '1' }));
    void (() => stratum.triggerSensor(files, { file: 'a', size: 1 }));
  });
});

describe('run keys', () => {
  test('a run that never started does not use its run key up: the key starts a run later', async () => {
    await startSensor(client, oversized, { taskQueue });
    const refused = await stratum.triggerSensor(oversized, { key: 'k-1', huge: true }, { wait: true });
    expect(refused.outcome).toBe('failed');
    expect(refused.runs).toEqual([]);
    expect(await catalog.sensorRunKey('st_oversized', 'k-1')).toBeNull();
    const later = await stratum.triggerSensor(oversized, { key: 'k-1', huge: false }, { wait: true });
    expect(later.outcome).toBe('requested');
    expect(later.runs).toHaveLength(1);
    expect((await catalog.sensorRunKey('st_oversized', 'k-1'))?.runId).toBe(later.runs[0]!.runId);
  });

  test('the same run key twice starts one run, also across continue-as-new and a worker restart', async () => {
    await stopSensor(client, 'st_files');
    await waitFor(async () => (await client.workflow.getHandle(sensorWorkflowId('st_files')).describe()).status.name !== 'RUNNING');
    await startSensor(client, files, { taskQueue, evaluationsPerRun: 1 });

    const first = await stratum.triggerSensor(files, { file: 'orders-1.csv', size: 10 }, { wait: true, triggerId: 'first' });
    expect(first.outcome).toBe('requested');
    expect(first.runs).toHaveLength(1);
    const runId = first.runs[0]!.runId;
    await waitFor(async () => (await stateOf('st_files')).workflowRuns >= 2);

    const again = await stratum.triggerSensor(files, { file: 'orders-1.csv', size: 10 }, { wait: true });
    expect(again.outcome).toBe('skipped');
    expect(again.runs).toEqual([]);
    expect(again.duplicates).toEqual([{ runKey: 'orders-1.csv', runId }]);

    await stopWorker();
    await startWorker();
    const afterRestart = await stratum.triggerSensor(files, { file: 'orders-1.csv', size: 10 }, { wait: true });
    expect(afterRestart.outcome).toBe('skipped');
    expect(afterRestart.duplicates).toEqual([{ runKey: 'orders-1.csv', runId }]);
    const other = await stratum.triggerSensor(files, { file: 'orders-2.csv', size: 5 }, { wait: true });
    expect(other.outcome).toBe('requested');

    await waitFor(async () => (await sensorRuns('st_files')).filter((r) => r.status === 'succeeded').length === 2);
    const runs = await sensorRuns('st_files');
    expect(runs.map((r) => r.tags.file).sort()).toEqual(['orders-1.csv', 'orders-2.csv']);
    expect(runs.find((r) => r.tags.file === 'orders-1.csv')!.runId).toBe(runId);
    const state = await stateOf('st_files');
    expect(state.workflowRuns).toBeGreaterThanOrEqual(3);
    expect(state.counters.duplicates).toBeGreaterThanOrEqual(2);
  });

  test('runs carry the StratumSensor search attribute and outlive the sensor', async () => {
    const answer = await stratum.triggerSensor(files, { file: 'outlives.csv', size: 1 }, { wait: true });
    const run = client.workflow.getHandle(answer.runs[0]!.workflowId);
    expect(await stopSensor(client, 'st_files')).toBe(true);
    await waitFor(async () => (await stateOf('st_files')).status === 'stopped');
    await expect(run.result()).resolves.toMatchObject({ status: 'succeeded' });
    const description = await run.describe();
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.sensor)).toBe('st_files');
    expect(await description.staticSummary()).toContain('sensor st_files, run key outlives.csv');
  });

  test('a stopped and restarted sensor still refuses used run keys', async () => {
    await waitFor(async () => (await stateOf('st_files')).status === 'stopped');
    expect(await startSensor(client, files, { taskQueue })).toMatchObject({ started: true });
    const again = await stratum.triggerSensor(files, { file: 'orders-2.csv', size: 5 }, { wait: true });
    expect(again.outcome).toBe('skipped');
    expect(again.skipReason).toContain('orders-2.csv');
  });

  test('a skip reason is recorded in the state', async () => {
    const answer = await stratum.triggerSensor(files, { file: 'empty.csv', size: 0 }, { wait: true, triggerId: 'empty' });
    expect(answer).toMatchObject({ outcome: 'skipped', skipReason: 'empty.csv is empty', runs: [] });
    expect((await stateOf('st_files')).evaluations.at(-1)).toMatchObject({ triggerId: 'empty', outcome: 'skipped' });
  });
});

describe('cursor', () => {
  test('survives continue-as-new, and a stop and start', async () => {
    await startSensor(client, counter, { taskQueue, evaluationsPerRun: 1 });
    for (const add of [1, 2, 3]) {
      await stratum.triggerSensor(counter, { add }, { wait: true });
    }
    await waitFor(async () => (await stateOf('st_counter')).workflowRuns >= 3);
    expect(cursorsSeen).toEqual([null, '1', '3']);
    expect((await stateOf('st_counter')).cursor).toBe('6');
    expect((await catalog.sensorCursor('st_counter'))!.cursor).toBe('6');

    await stopSensor(client, 'st_counter');
    await waitFor(async () => (await stateOf('st_counter')).status === 'stopped');
    await startSensor(client, counter, { taskQueue });
    await stratum.triggerSensor(counter, { add: 4 }, { wait: true });
    expect(cursorsSeen.at(-1)).toBe('6');
    expect((await stateOf('st_counter')).cursor).toBe('10');
  });

  test('signals sent in a burst are all evaluated, in order', async () => {
    const before = cursorsSeen.length;
    await Promise.all(Array.from({ length: 10 }, () => stratum.triggerSensor(counter, { add: 1 })));
    await waitFor(async () => (await stateOf('st_counter')).cursor === '20');
    expect(cursorsSeen.slice(before)).toEqual(['10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
  });
});

describe('evaluation', () => {
  test('asset-materialized and run-status signals are queued and evaluated like payloads', async () => {
    const handle = client.workflow.getHandle(sensorWorkflowId('st_counter'));
    await handle.signal(SENSOR.assetMaterializedSignal, { assetKey: 'sensortest/target', partitionKey: null, runId: 'r-1', stepKey: 'sensortest/target', dataVersion: 'v1', materializedAt: 1 });
    await waitFor(async () => (await stateOf('st_counter')).evaluations.at(-1)?.trigger === 'asset-materialized');
    expect((await stateOf('st_counter')).evaluations.at(-1)).toMatchObject({ triggerId: 'sensortest/target@r-1', outcome: 'skipped', skipReason: expect.stringContaining('not to asset-materialized events') });
  });

  test('a polling sensor evaluates on its timer', async () => {
    await startSensor(client, poller, { taskQueue });
    await waitFor(() => ticks.length >= 2, 10_000);
    const state = await stateOf('st_poller');
    expect(state.evaluations.every((e) => e.trigger === 'tick' && e.skipReason === 'polled')).toBe(true);
    expect(state.nextTickAt).not.toBeNull();
    await stopSensor(client, 'st_poller');
  });

  test('user code that keeps failing is retried, then recorded as failed; the sensor goes on', async () => {
    await startSensor(client, flaky, { taskQueue });
    const failed = await stratum.triggerSensor(flaky, { fail: true }, { wait: true });
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toContain('the bucket listing timed out');
    expect(flakyCalls).toBe(3);
    const ok = await stratum.triggerSensor(flaky, { fail: false }, { wait: true });
    expect(ok.outcome).toBe('requested');
  }, 60_000);
});

describe('definitions and deploy', () => {
  test('sensor names are unique and targets must exist', () => {
    const twice = captureError(() => new Definitions({ assets: [target], sensors: [files, files] }));
    expect(twice).toBeInstanceOf(DuplicateKeyError);
    expect(twice.message).toContain('"st_files"');
    const unknown = captureError(() => new Definitions({ assets: [target], sensors: [sensor({ name: 'bad', selection: 'sensortest/targte', evaluate: () => [] })] }));
    expect(unknown).toBeInstanceOf(InvalidDefinitionError);
    expect(unknown.message).toContain('sensortest/target');
    expect(() => sensor({ name: 'has space', evaluate: () => [] })).toThrow(InvalidDefinitionError);
  });

  test('syncSensors starts sensors whose defaultStatus is running and stops sensors the code no longer has', async () => {
    const auto = sensor({ name: 'st_auto', selection: 'sensortest/target', defaultStatus: 'running', evaluate: () => [] });
    const withAuto = new Definitions({ assets: [target], sensors: [auto] });
    expect(await syncSensors({ client, definitions: withAuto, taskQueue })).toContainEqual({ kind: 'sensor', name: 'st_auto', action: 'started', detail: 'defaultStatus: running' });
    expect(await syncSensors({ client, definitions: withAuto, taskQueue })).toContainEqual(expect.objectContaining({ name: 'st_auto', action: 'unchanged' }));
    // The code now polls every second with a shorter timeout: deploy tells the running sensor, which ticks.
    const polling = sensor({ name: 'st_auto', selection: 'sensortest/target', defaultStatus: 'running', every: '1s', timeout: '20s', evaluate: () => skip('polled') });
    const withPolling = new Definitions({ assets: [target], sensors: [polling] });
    expect(await syncSensors({ client, definitions: withPolling, taskQueue })).toContainEqual({ kind: 'sensor', name: 'st_auto', action: 'updated', detail: 'every none -> 1s, timeout 60s -> 20s' });
    await waitFor(async () => (await stateOf('st_auto')).evaluations.some((e) => e.trigger === 'tick'));
    expect(await stateOf('st_auto')).toMatchObject({ everyMs: 1_000, evaluationTimeoutMs: 20_000 });
    expect(await syncSensors({ client, definitions: withPolling, taskQueue })).toContainEqual(expect.objectContaining({ name: 'st_auto', action: 'unchanged' }));
    const without = new Definitions({ assets: [target], sensors: [] });
    await waitFor(async () => (await syncSensors({ client, definitions: without, taskQueue })).some((a) => a.name === 'st_auto' && a.action === 'stopped'));
  });
});
