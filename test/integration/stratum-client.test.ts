/**
 * `stratum/client` as app code uses it: `StratumClient.connect` against the shared dev server
 * (through TEMPORAL_ADDRESS, as a deployed service would, or an explicit address), a real worker
 * running the definitions, and the client's methods for runs, sensors, schedules and the catalog.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { asset, Definitions, dynamicPartitions, inMemoryIOManager, schedule, sensor, skip } from 'stratum';
import { openCatalog } from '../../sdk/catalog';
import {
  CatalogNotEmptyError,
  InvalidTriggerPayloadError,
  ScheduleNotDeployedError,
  StratumClient,
  TemporalNotConfiguredError,
  UnknownRunError,
  type SensorStateView,
} from 'stratum/client';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const suffix = `${process.pid}_${Date.now().toString(36)}`;

const orders = asset({ key: 'client_it/orders' }, () => [{ id: 1, amount: 10 }, { id: 2, amount: 32 }]);
const revenue = asset({ key: 'client_it/revenue', ins: { orders } }, ({ orders }) => orders.reduce((sum, o) => sum + o.amount, 0));
const customers = asset({ key: 'client_it/customer_report', partitions: dynamicPartitions({ name: 'client_it_customers' }) }, (_, ctx) => `report for ${ctx.partitionKey}`);

// Blocks until its run is cancelled (at most 20 s): the run cancelRun stops.
let blockingStarted = false;
const blocking = asset({ key: 'client_it/blocking', heartbeatTimeout: '2s', retry: { maximumAttempts: 1 } }, async (_, ctx) => {
  blockingStarted = true;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return 'done';
});

const newOrders = sensor({
  name: `client_it_orders_${suffix}`,
  selection: 'client_it/orders+',
  triggerSchema: z.object({ file: z.string().min(1), rows: z.number().int().nonnegative() }),
  evaluate: (_ctx, trigger) => {
    if (trigger.kind !== 'payload') return skip('no polling');
    if (trigger.payload.rows === 0) return skip(`${trigger.payload.file} is empty`);
    return [{ runKey: trigger.payload.file, tags: { file: trigger.payload.file } }];
  },
  defaultStatus: 'running',
});

const nightly = schedule({ name: `client_it_nightly_${suffix}`, selection: 'client_it/orders+', cron: '0 3 * * *', defaultStatus: 'running' });
const undeployed = `client_it_later_${suffix}`;

const definitions = new Definitions({
  assets: [orders, revenue, customers, blocking],
  sensors: [newOrders],
  schedules: [nightly],
  ioManagers: { default: inMemoryIOManager() },
});

let t: TestStratum;
let stratum: StratumClient;
const savedAddress = process.env.TEMPORAL_ADDRESS;

beforeAll(async () => {
  t = await startTestStratum(definitions, { prefix: 'client-it' });
  // As a service would be configured: TEMPORAL_ADDRESS, the workers' task queue and catalog.
  process.env.TEMPORAL_ADDRESS = testTemporalAddress();
  stratum = await StratumClient.connect({ definitions, taskQueue: t.taskQueue, catalog: path.join(t.tmpDir, 'catalog.db') });
});

afterAll(async () => {
  if (savedAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
  else process.env.TEMPORAL_ADDRESS = savedAddress;
  await stratum?.stopSensor(newOrders).catch(() => false);
  await stratum?.client.schedule.getHandle(`stratum/schedule/${nightly.name}`).delete().catch(() => undefined);
  await stratum?.close();
  await t?.stop();
});

test('connect through TEMPORAL_ADDRESS, materialize, and read the run back from the catalog', async () => {
  const result = await stratum.materialize({ selection: 'client_it/orders+' });
  expect(result.status).toBe('succeeded');
  expect(result.steps.map((s) => [s.key, s.status])).toEqual([
    ['client_it/orders', 'succeeded'],
    ['client_it/revenue', 'succeeded'],
  ]);

  const run = await stratum.getRun(result.runId);
  expect(run).toMatchObject({ runId: result.runId, status: 'succeeded', assetKeys: ['client_it/orders', 'client_it/revenue'] });
  expect(await stratum.getRun(run!.workflowId)).toMatchObject({ runId: result.runId });
  expect((await stratum.listRuns({ assetKey: 'client_it/revenue' })).map((r) => r.runId)).toContain(result.runId);
  expect((await stratum.catalog.latestMaterialization('client_it/revenue'))?.runId).toBe(result.runId);
  expect(await stratum.getRun('no-such-run')).toBeNull();
});

test('a bad request is refused before anything starts', async () => {
  await expect(stratum.start({ selection: 'client_it/nope' })).rejects.toThrow(/client_it\/nope/);
  await expect(stratum.cancelRun('no-such-run')).rejects.toBeInstanceOf(UnknownRunError);
});

test('cancelRun stops a running run by its run id; the catalog records it canceled', async () => {
  const run = await stratum.start({ selection: 'client_it/blocking' });
  await waitFor(async () => blockingStarted && (await stratum.getRun(run.plan.runId)) !== null);
  expect(await stratum.cancelRun(run.plan.runId)).toBe(run.workflowId);
  await expect(run.result()).rejects.toThrow();
  await waitFor(async () => (await stratum.getRun(run.plan.runId))?.status === 'canceled');
});

test('deploy starts the sensor and the schedule; triggerSensor through the method starts runs, typed by the schema', async () => {
  const actions = await stratum.deploy();
  expect(actions).toContainEqual(expect.objectContaining({ kind: 'schedule', name: nightly.name, action: 'created' }));
  expect(actions).toContainEqual(expect.objectContaining({ kind: 'sensor', name: newOrders.name, action: 'started' }));

  // Refused by the schema before anything is sent.
  await expect(stratum.triggerSensor(newOrders, { file: '', rows: -1 })).rejects.toBeInstanceOf(InvalidTriggerPayloadError);
  // @ts-expect-error rows must be a number
  void (() => stratum.triggerSensor(newOrders, { file: 'a.csv', rows: '3' }));

  const answer = await stratum.triggerSensor(newOrders, { file: 'orders-1.csv', rows: 2 }, { wait: true, triggerId: 'first' });
  expect(answer.outcome).toBe('requested');
  expect(answer.runs).toHaveLength(1);
  const runId = answer.runs[0]!.runId;
  await waitFor(async () => (await stratum.getRun(runId))?.status === 'succeeded');
  expect((await stratum.getRun(runId))?.tags.file).toBe('orders-1.csv');

  // The same file again: its run key is taken, no second run. By name, checked at run time.
  const again = await stratum.triggerSensor(newOrders.name, { file: 'orders-1.csv', rows: 2 }, { wait: true });
  expect(again).toMatchObject({ outcome: 'skipped', runs: [], duplicates: [{ runKey: 'orders-1.csv', runId }] });
  const empty = await stratum.triggerSensor(newOrders, { file: 'empty.csv', rows: 0 }, { wait: true });
  expect(empty).toMatchObject({ outcome: 'skipped', skipReason: 'empty.csv is empty' });
  // A signal: returns once Temporal has it.
  expect(await stratum.triggerSensor(newOrders, { file: 'orders-2.csv', rows: 1 })).toEqual({ workflowId: `stratum/sensor/${newOrders.name}` });

  let state: SensorStateView | null = null;
  await waitFor(async () => (state = await stratum.sensorState(newOrders))?.counters.runsStarted === 2);
  expect(state!.status).toBe('running');
});

test('schedules: status, pause and unpause, refusal of an undeployed schedule', async () => {
  await stratum.deploy();
  const statusOf = async () => (await stratum.scheduleStatuses()).find((s) => s.name === nightly.name);
  expect(await statusOf()).toMatchObject({ state: 'running', upToDate: true, target: 'selection client_it/orders+' });
  await stratum.pauseSchedule(nightly, 'maintenance');
  expect(await statusOf()).toMatchObject({ state: 'paused', note: 'maintenance' });
  await stratum.unpauseSchedule(nightly.name);
  expect((await statusOf())?.state).toBe('running');

  const later = new Definitions({ assets: [orders], schedules: [schedule({ name: undeployed, selection: 'client_it/orders', every: '1h' })], ioManagers: { default: inMemoryIOManager() } });
  const other = new StratumClient(stratum.client, later, { taskQueue: t.taskQueue });
  await expect(other.pauseSchedule(undeployed)).rejects.toBeInstanceOf(ScheduleNotDeployedError);
  await expect(other.triggerSchedule('client_it_nope')).rejects.toThrow(/Unknown schedule "client_it_nope"/);
});

test('dynamic partitions through the client, then a run of a new partition', async () => {
  const added = await stratum.addDynamicPartitions('client_it_customers', ['acme', 'globex']);
  expect(added).toMatchObject({ added: ['acme', 'globex'], alreadyPresent: [], assetKeys: ['client_it/customer_report'] });
  const result = await stratum.materialize({ selection: 'client_it/customer_report', partitionKey: 'acme' });
  expect(result).toMatchObject({ status: 'succeeded', partitionKey: 'acme' });
  expect(await stratum.removeDynamicPartitions('client_it_customers', ['globex', 'initech'])).toMatchObject({ removed: ['globex'], notFound: ['initech'] });
  await expect(stratum.start({ selection: 'client_it/customer_report', partitionKey: 'globex' })).rejects.toThrow(/globex/);
});

test('rebuildCatalog re-creates the runs of this task queue from history into an empty catalog, never into a used one', async () => {
  await expect(stratum.rebuildCatalog({ into: t.catalog })).rejects.toBeInstanceOf(CatalogNotEmptyError);
  const into = await openCatalog(':memory:');
  try {
    const report = await stratum.rebuildCatalog({ into, filter: `TaskQueue = '${t.taskQueue}'` });
    const live = (await stratum.listRuns({ limit: 1_000 })).filter((r) => r.endedAt !== null);
    expect(report.runs).toBeGreaterThanOrEqual(live.length);
    const rebuilt = await into.listRuns({ limit: 1_000 });
    for (const run of live) expect(rebuilt.find((r) => r.runId === run.runId)?.status).toBe(run.status);
    // Dynamic partition keys are not in history: copied from the client's catalog.
    expect(await into.dynamicPartitionKeys('client_it_customers')).toEqual(['acme']);
  } finally {
    await into.close();
  }
});

test('connect refuses clearly when no server is configured and no dev server runs; it never starts one', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-client-it-'));
  const keys = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'STRATUM_HOME'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  try {
    delete process.env.TEMPORAL_ADDRESS;
    delete process.env.TEMPORAL_NAMESPACE;
    delete process.env.TEMPORAL_PROFILE;
    process.env.TEMPORAL_CONFIG_FILE = path.join(tmp, 'no-such-temporal.toml');
    process.env.STRATUM_HOME = path.join(tmp, '.stratum');
    const error = await StratumClient.connect({ definitions, catalog: ':memory:' }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalNotConfiguredError);
    expect((error as Error).message).toMatch(/TEMPORAL_ADDRESS/);
    expect(fs.existsSync(path.join(tmp, '.stratum'))).toBe(false);
  } finally {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('connect with an explicit address and an open catalog; close leaves that catalog open', async () => {
  const explicit = await StratumClient.connect({ definitions, address: testTemporalAddress(), namespace: 'default', taskQueue: t.taskQueue, catalog: t.catalog });
  const result = await explicit.materialize({ selection: 'client_it/orders' });
  await explicit.close();
  expect((await t.catalog.getRun(result.runId))?.status).toBe('succeeded');
});
