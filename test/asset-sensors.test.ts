/**
 * Asset sensors, run-status sensors and eager automation on the real dev server: runs signal the
 * sensor workflows that watch them, the sensors run user code in their evaluation activity and
 * start the runs it requests. The worker runs in this process, so user code records what it saw
 * in the arrays below.
 */
import { syncSensors } from '../client/sensor-sync';
import { RunFailedError } from '../client/stratum-client';
import {
  asset,
  assetJob,
  assetSensor,
  Definitions,
  EAGER_AUTOMATION_SENSOR,
  inMemoryIOManager,
  NonRetryableError,
  runFailureSensor,
  SensorRunTags,
} from '../sdk';
import type { RunRecord } from '../sdk/catalog';
import { SENSOR, sensorWorkflowId, type AssetMaterializedEvent, type RunStatusEvent } from '../sdk/protocol/sensor-contract';
import type { SensorStateView } from '../sdk/protocol/sensor-state';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { waitFor } from './harness/wait';
import { sensorsOf } from '../sdk/automation/sensors/code-location-sensors';

const suffix = `${process.pid}_${Date.now().toString(36)}`;
const memory = inMemoryIOManager();

// An asset sensor: when `orders` materializes, materialize `report`.
const orders = asset({ key: 'orders' }, () => [1, 2, 3]);
const report = asset({ key: 'report' }, () => 'report');
const onOrders = assetSensor({ name: `orders_changed_${suffix}`, assets: [orders], selection: 'report', defaultStatus: 'running' });

// Never started: runs that notify it still succeed (a stopped sensor misses events).
const stopped = assetSensor({ name: `stopped_${suffix}`, assets: [orders, report], selection: 'report' });

// A failure sensor on one job: user code records the failed runs it is told about.
const fragile = asset({ key: 'fragile', retry: { maximumAttempts: 1 } }, () => {
  throw new NonRetryableError('warehouse refused the load');
});
const fragileJob = assetJob({ name: 'fragile_job', selection: 'fragile' });
const ordersJob = assetJob({ name: 'orders_job', selection: 'orders' });
const failuresSeen: RunStatusEvent[] = [];
const onFailure = runFailureSensor({
  name: `fragile_failed_${suffix}`,
  jobs: [fragileJob, ordersJob],
  defaultStatus: 'running',
  fn: (_ctx, run) => {
    failuresSeen.push(run);
  },
});

// Eager automation: `joined` once both `left` and `right` have new materializations; `summary` after `joined`.
const materializedSeen: string[] = [];
const left = asset({ key: 'eager/left' }, () => 1);
const right = asset({ key: 'eager/right' }, () => 2);
const joined = asset({ key: 'eager/joined', ins: { left, right }, automation: 'eager' }, ({ left, right }) => {
  materializedSeen.push('eager/joined');
  return left + right;
});
const summary = asset({ key: 'eager/summary', ins: { joined }, automation: 'eager' }, ({ joined }) => {
  materializedSeen.push('eager/summary');
  return `total ${joined}`;
});

const defs = new Definitions({
  assets: [orders, report, fragile, left, right, joined, summary],
  jobs: [fragileJob, ordersJob],
  sensors: [onOrders, onFailure, stopped],
  ioManagers: { default: memory },
});

let t: TestStratum;

beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'asset-sensors' });
  // Start the sensors whose defaultStatus is 'running', as `stratum deploy` / `stratum dev` do.
  const actions = await syncSensors({ client: t.client, definitions: defs, taskQueue: t.taskQueue });
  expect(actions.filter((a) => a.action === 'started').map((a) => a.name).sort()).toEqual([onOrders.name, onFailure.name, EAGER_AUTOMATION_SENSOR].sort());
});

afterAll(async () => {
  for (const sensor of sensorsOf(defs)) {
    await t?.client.workflow.getHandle(sensorWorkflowId(sensor.name)).terminate('test done').catch(() => undefined);
  }
  await t?.stop();
});

async function runsOf(assetKey: string): Promise<RunRecord[]> {
  return t.catalog.listRuns({ assetKey });
}

test('an asset sensor starts its target after the watched asset materializes', async () => {
  const source = await t.stratum.materialize({ selection: 'orders' });
  await waitFor(async () => (await runsOf('report')).some((r) => r.status === 'succeeded'));
  const [run] = await runsOf('report');
  expect(run!.tags[SensorRunTags.sensor]).toBe(onOrders.name);
  const materialization = await t.catalog.latestMaterialization('report', null);
  expect(materialization?.runId).toBe(run!.runId);
  expect(source.status).toBe('succeeded');
});

test('a run that notifies a sensor that is not running still succeeds', async () => {
  const plan = await t.stratum.plan({ selection: 'orders' });
  expect(plan.notify?.assetMaterialized.orders).toContain(stopped.name);
  const result = await (await t.stratum.startPlan(plan)).result();
  expect(result.status).toBe('succeeded');
});

test('a failure sensor is called with the failed run, its job and its failed step', async () => {
  const error = await t.stratum.materialize({ job: 'fragile_job' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RunFailedError);
  const failed = (error as RunFailedError).result!;
  await waitFor(() => failuresSeen.some((r) => r.runId === failed.runId));
  const run = failuresSeen.find((r) => r.runId === failed.runId)!;
  expect(run).toMatchObject({ job: 'fragile_job', label: 'fragile_job', status: 'failed', assetKeys: ['fragile'], partitionKey: null, skippedSteps: [] });
  expect(run.failedSteps).toEqual([{ key: 'fragile', error: expect.stringContaining('warehouse refused the load') }]);
  expect(run.endedAt).toBeGreaterThanOrEqual(run.startedAt);

  // A successful run of a watched job does not call a failure sensor.
  const ok = await t.stratum.materialize({ job: 'orders_job' });
  expect(ok.status).toBe('succeeded');
  await waitFor(async () => (await runsOf('report')).length >= 2); // the orders sensor reacted to the same run
  expect(failuresSeen.map((r) => r.runId)).toEqual([failed.runId]);
});

test('eager automation materializes a downstream asset once all its upstreams have new materializations, and not twice for the same versions', async () => {
  await t.stratum.materialize({ selection: 'eager/left' });
  // Not before: with only `left` new, the automation sensor evaluates and skips.
  await waitFor(async () => (await evaluationsOf(EAGER_AUTOMATION_SENSOR)) >= 1);
  expect(await runsOf('eager/joined')).toEqual([]);

  const rightRun = await t.stratum.materialize({ selection: 'eager/right' });
  await waitFor(async () => (await runsOf('eager/summary')).some((r) => r.status === 'succeeded'));
  const joinedRuns = await runsOf('eager/joined');
  expect(joinedRuns).toHaveLength(1);
  expect(joinedRuns[0]!.tags).toMatchObject({ [SensorRunTags.automation]: 'eager', [SensorRunTags.sensor]: EAGER_AUTOMATION_SENSOR });
  expect(materializedSeen).toEqual(['eager/joined', 'eager/summary']);

  // The same upstream versions again (a repeated signal): evaluated, but no second run.
  const before = await evaluationsOf(EAGER_AUTOMATION_SENSOR);
  const repeated: AssetMaterializedEvent = { assetKey: 'eager/right', partitionKey: null, runId: rightRun.runId, stepKey: 'eager/right', dataVersion: 'same', materializedAt: Date.now() };
  await t.client.workflow.getHandle(sensorWorkflowId(EAGER_AUTOMATION_SENSOR)).signal(SENSOR.assetMaterializedSignal, repeated);
  await waitFor(async () => (await evaluationsOf(EAGER_AUTOMATION_SENSOR)) > before);
  expect(await runsOf('eager/joined')).toHaveLength(1);
  expect(materializedSeen).toEqual(['eager/joined', 'eager/summary']);
});

/** How many evaluations a sensor has finished, from its state query. */
async function evaluationsOf(name: string): Promise<number> {
  const state = await t.client.workflow.getHandle(sensorWorkflowId(name)).query<SensorStateView>(SENSOR.stateQuery);
  return state.counters.evaluations;
}
