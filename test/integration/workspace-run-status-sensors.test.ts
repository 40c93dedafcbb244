/**
 * Run-status sensors across workspace locations (Dagster's `run_status_sensor` with
 * `monitored_jobs` / `monitor_all_code_locations`): location `down` has run-status sensors
 * monitoring location `up` (all of its runs, one job of it, every location), and one monitoring
 * only its own runs. `down`'s worker registers its run-status watches in the shared catalog;
 * `up`'s runs look them up as they start and signal the sensors wanting their outcome when they
 * end, whose runs go to `down`'s task queue. Real dev server, real SQLite catalog.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { syncSensors } from '../../client/sensor-sync';
import { StratumClient } from '../../client/stratum-client';
import { RunFailedError } from '../../client/run-handle';
import { asset, assetJob, Definitions, inMemoryIOManager, InvalidDefinitionError, NonRetryableError, runFailureSensor, runStatusSensor, SensorRunTags } from '../../sdk';
import { assignLocation } from '../../sdk/definitions/location';
import { openCatalog, type Catalog, type RunRecord } from '../../sdk/catalog';
import { sensorWorkflowId, type RunStatusEvent } from '../../sdk/protocol/sensor-contract';
import { sensorsOf } from '../../sdk/automation/sensors/code-location-sensors';
import { checkMonitoredLocations, UnknownMonitoredLocationError } from '../../sdk/workspace/sensor-watches';
import { createWorker, type StratumWorker } from '../../worker/create-worker';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testWorkflowBundlePath, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';
import { runStratum } from '../harness/cli-process';
import { testTemporalAddress } from '../harness/test-env';

const suffix = Math.random().toString(36).slice(2, 7);
const up = `rsup-${suffix}`;
const down = `rsdown-${suffix}`;
const storage = inMemoryIOManager();

/** Location `up`: a job that fails and one that succeeds. */
const fragile = asset({ key: `rs${suffix}/fragile`, retry: { maximumAttempts: 1 } }, () => {
  throw new NonRetryableError('warehouse refused the load');
});
const steady = asset({ key: `rs${suffix}/steady` }, () => 1);
const fragileJob = assetJob({ name: `fragile_job_${suffix}`, selection: `rs${suffix}/fragile` });
const steadyJob = assetJob({ name: `steady_job_${suffix}`, selection: `rs${suffix}/steady` });
const upDefs = assignLocation(new Definitions({ assets: [fragile, steady], jobs: [fragileJob, steadyJob], ioManagers: { default: storage } }), up);

/** Location `down`: a recovery asset its failure sensor materializes, and sensors that must stay quiet. */
const recoveryKey = `rs${suffix}/recovery`;
const recovery = asset({ key: recoveryKey }, () => 'recovered');
const upFailures = runFailureSensor({
  name: `up_failures_${suffix}`,
  monitoredLocations: [up],
  selection: recoveryKey,
  defaultStatus: 'running',
  fn: (_ctx, run) => [{ runKey: run.runId, tags: { failed_run: run.runId, failed_location: run.location ?? '', failed_job: run.job ?? '' } }],
});
const ownEvents: RunStatusEvent[] = [];
/** Monitors only `down`'s own runs (no cross-location option): `up`'s failure is none of its business. */
const ownFailures = runFailureSensor({ name: `own_failures_${suffix}`, defaultStatus: 'running', fn: (_ctx, run) => void ownEvents.push(run) });
/** Monitors only `up`'s steady job: not told about the fragile job's failure. */
const steadyFailures = runFailureSensor({ name: `steady_failures_${suffix}`, jobs: [{ location: up, job: steadyJob.name }], defaultStatus: 'running', fn: (_ctx, run) => void ownEvents.push(run) });
const successes: RunStatusEvent[] = [];
/** Every succeeded run of every location. */
const anySuccess = runStatusSensor({ name: `any_success_${suffix}`, status: 'success', monitorAllLocations: true, defaultStatus: 'running', fn: (_ctx, run) => void successes.push(run) });
const downDefs = new Definitions({ assets: [recovery], sensors: [upFailures, ownFailures, steadyFailures, anySuccess], ioManagers: { default: storage } });

let t: TestStratum;
let downCatalog: Catalog;
let downWorker: StratumWorker;
let downRunning: Promise<void>;
let upClient: StratumClient;
let downClient: StratumClient;
const downQueue = uniqueTaskQueue('rs-down');

beforeAll(async () => {
  t = await startTestStratum(upDefs, { prefix: 'rs-up' });
  upClient = new StratumClient(t.client, upDefs, { taskQueue: t.taskQueue, catalog: t.catalog });
  downCatalog = await openCatalog(path.join(t.tmpDir, 'catalog.db'));
  downWorker = await createWorker(downDefs, {
    connection: t.nativeConnection,
    location: down,
    taskQueue: downQueue,
    catalog: downCatalog,
    workflowBundle: { codePath: testWorkflowBundlePath() },
    shutdownGraceTime: '2s',
  });
  downRunning = downWorker.run();
  downClient = new StratumClient(t.client, downDefs, { taskQueue: downQueue, catalog: downCatalog });
  await syncSensors({ client: t.client, definitions: downDefs, taskQueue: downQueue });
});

afterAll(async () => {
  for (const sensor of sensorsOf(downDefs)) await t?.client.workflow.getHandle(sensorWorkflowId(sensor.name, down)).terminate('test done').catch(() => undefined);
  downWorker?.shutdown();
  await downRunning;
  await downCatalog?.close();
  await t?.stop();
});

async function sensorRuns(sensor: string): Promise<RunRecord[]> {
  return (await t.catalog.listRuns({ assetKey: recoveryKey })).filter((r) => r.status === 'succeeded' && r.tags[SensorRunTags.sensor] === sensor);
}

test("down's worker registers its run-status sensors' watches of other locations; up's plans ask for them", async () => {
  expect(await t.catalog.runStatusWatchers(up, fragileJob.name)).toEqual([
    { location: down, sensor: anySuccess.name, statuses: ['succeeded'] },
    { location: down, sensor: upFailures.name, statuses: ['failed'] },
  ]);
  expect((await t.catalog.runStatusWatchers(up, steadyJob.name)).map((w) => w.sensor)).toEqual([anySuccess.name, steadyFailures.name, upFailures.name]);
  // An ad-hoc selection of `up` matches location-wide watches only.
  expect((await t.catalog.runStatusWatchers(up, null)).map((w) => w.sensor)).toEqual([anySuccess.name, upFailures.name]);
  // `down`'s own runs: its own sensors are in its plans already.
  expect(await t.catalog.runStatusWatchers(down, null)).toEqual([]);
  const plan = await upClient.plan({ job: fragileJob.name });
  expect(plan.notify).toEqual({ assetMaterialized: {}, runStatus: [], otherLocations: true, otherLocationRuns: true });
  // `down`'s own plans name its own-location sensors (and monitorAllLocations covers them), not the ones watching `up` only.
  const ownPlan = await downClient.plan({ selection: recoveryKey });
  expect(ownPlan.notify?.runStatus.map((r) => r.sensor).sort()).toEqual([anySuccess.name, ownFailures.name].sort());
});

test("up's failed run starts down's failure sensor's run on down's task queue; sensors not monitoring it stay quiet", async () => {
  const error = await upClient.materialize({ job: fragileJob.name }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunFailedError);
  const failed = (error as RunFailedError).result!;
  expect(failed.status).toBe('failed');

  await waitFor(async () => (await sensorRuns(upFailures.name)).length > 0, 30_000);
  const [sensed] = await sensorRuns(upFailures.name);
  expect(sensed!.tags).toMatchObject({ failed_run: failed.runId, failed_location: up, failed_job: fragileJob.name });
  expect(sensed!.workflowId.startsWith(`stratum@${down}/run/`)).toBe(true);
  expect((await t.client.workflow.getHandle(sensed!.workflowId).describe()).taskQueue).toBe(downQueue);

  // The failed run signalled every watcher before it ended: the others were never told.
  for (const quiet of [ownFailures, steadyFailures]) {
    const state = await downClient.sensorState(quiet.name);
    expect(state?.status).toBe('running');
    expect(state?.counters.evaluations).toBe(0);
  }
  expect(ownEvents).toEqual([]);
  // The recovery run succeeded in `down`: `anySuccess` hears about it, as about any run.
  await waitFor(() => successes.some((e) => e.runId === sensed!.runId), 30_000);
});

test("monitorAllLocations hears up's succeeded runs (and job-selector sensors only their job's)", async () => {
  const ok = await upClient.materialize({ job: steadyJob.name });
  expect(ok.status).toBe('succeeded');
  await waitFor(() => successes.some((e) => e.runId === ok.runId), 30_000);
  expect(successes.find((e) => e.runId === ok.runId)).toMatchObject({ location: up, job: steadyJob.name, status: 'succeeded' });
  // A succeeded steady run is not a failure: the steady-job failure sensor still never evaluated.
  expect((await downClient.sensorState(steadyFailures.name))?.counters.evaluations).toBe(0);
});

test('a run-status sensor naming a location the workspace lacks is refused at load time; bad options at definition', () => {
  expect(() => checkMonitoredLocations(assignLocation(new Definitions({ assets: [recovery], sensors: [upFailures] }), down), [down], 'stratum.workspace.json')).toThrow(UnknownMonitoredLocationError);
  try {
    checkMonitoredLocations(assignLocation(new Definitions({ assets: [recovery], sensors: [steadyFailures] }), down), [down, 'etl'], 'stratum.workspace.json');
    throw new Error('not refused');
  } catch (error) {
    expect(error).toBeInstanceOf(UnknownMonitoredLocationError);
    expect((error as UnknownMonitoredLocationError).code).toBe('STRATUM_UNKNOWN_MONITORED_LOCATION');
    expect((error as Error).message).toContain(`"${steadyFailures.name}" monitors "${up}", which stratum.workspace.json does not have (its locations: ${down}, etl)`);
  }
  expect(() => checkMonitoredLocations(assignLocation(new Definitions({ assets: [recovery], sensors: [upFailures, anySuccess] }), down), [down, up])).not.toThrow();
  // The rules the sensor applies to the events it gets: a run without a location (older runs) is one of its own.
  const failedRun = { job: fragileJob.name, status: 'failed' as const, tags: {} };
  expect(ownFailures.watches(failedRun, down)).toBe(true);
  expect(ownFailures.watches({ ...failedRun, location: up }, down)).toBe(false);
  expect(upFailures.watches({ ...failedRun, location: up }, down)).toBe(true);
  expect(upFailures.watches(failedRun, down)).toBe(false);
  expect(steadyFailures.watches({ ...failedRun, location: up }, down)).toBe(false);
  expect(steadyFailures.watches({ ...failedRun, job: steadyJob.name, location: up }, down)).toBe(true);
  expect(() => runFailureSensor({ name: 'both', monitorAllLocations: true, monitoredLocations: [up], fn: () => undefined })).toThrow(InvalidDefinitionError);
  expect(() => runFailureSensor({ name: 'empty', monitoredLocations: [], fn: () => undefined })).toThrow(/monitoredLocations must list at least one/);
  expect(() => runFailureSensor({ name: 'bad', jobs: [{ location: up, job: '' }], fn: () => undefined })).toThrow(/\{ location: 'etl', job: 'daily_sales' \}/);
});

test('the CLI refuses, when it loads a location, a run-status sensor monitoring a location the workspace file lacks', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rs-ws-'));
  writeFileSync(path.join(dir, 'alpha.ts'), "import { asset, Definitions } from 'stratum';\nexport default new Definitions({ assets: [asset({ key: 'alpha/value' }, () => 1)] });\n");
  writeFileSync(
    path.join(dir, 'beta.ts'),
    "import { runFailureSensor, Definitions } from 'stratum';\nexport default new Definitions({ sensors: [runFailureSensor({ name: 'beta_watch', monitoredLocations: ['alpha', 'gamma'], fn: () => undefined })] });\n",
  );
  const ws = path.join(dir, 'stratum.workspace.json');
  writeFileSync(ws, JSON.stringify({ locations: [{ name: 'alpha', defs: 'alpha.ts' }, { name: 'beta', defs: 'beta.ts' }] }));
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_CATALOG: path.join(dir, 'catalog.db'), STRATUM_STORAGE_DIR: path.join(dir, 'storage') };

  const list = await runStratum(['locations', 'list', '--workspace', ws, '--json'], env);
  expect(list.code).toBe(0);
  const rows = JSON.parse(list.stdout).locations as { name: string; loadError: string | null }[];
  expect(rows.find((r) => r.name === 'alpha')?.loadError).toBeNull();
  expect(rows.find((r) => r.name === 'beta')?.loadError).toContain('run-status sensor "beta_watch" monitors "gamma"');

  const worker = await runStratum(['worker', '--workspace', ws, '--location', 'beta'], env);
  expect(worker.code).not.toBe(0);
  expect(worker.stderr).toContain('monitors "gamma", which');
  expect(worker.stderr).toContain('its locations: alpha, beta');
});
