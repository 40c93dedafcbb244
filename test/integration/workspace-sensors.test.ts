/**
 * Asset sensors and eager automation across workspace locations: location `down` reads location
 * `up`'s asset by key (`sourceAsset`), watches it with an asset sensor and has an eager asset on
 * it. Each location's worker loads only its own definitions; `down`'s worker registers what its
 * sensors watch in the shared catalog, and `up`'s runs look that up and signal `down`'s sensors,
 * whose runs go to `down`'s task queue. Real dev server, real SQLite catalog (opened once per
 * worker, as by two processes).
 */
import path from 'node:path';
import { syncSensors } from '../../client/sensor-sync';
import { StratumClient } from '../../client/stratum-client';
import { asset, assetSensor, Definitions, EAGER_AUTOMATION_SENSOR, inMemoryIOManager, sourceAsset, SensorRunTags, staticPartitions } from '../../sdk';
import { assignLocation } from '../../sdk/definitions/location';
import { openCatalog, type Catalog, type RunRecord } from '../../sdk/catalog';
import { sensorWorkflowId } from '../../sdk/protocol/sensor-contract';
import { sensorsOf } from '../../sdk/automation/sensors/code-location-sensors';
import { createWorker, type StratumWorker } from '../../worker/create-worker';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testWorkflowBundlePath, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const suffix = Math.random().toString(36).slice(2, 7);
const up = `up-${suffix}`;
const down = `down-${suffix}`;
const storage = inMemoryIOManager();

/** Location `up`: owns `wsx/orders`. */
const ordersKey = `wsx${suffix}/orders`;
const reportKey = `wsx${suffix}/report`;
const forecastKey = `wsx${suffix}/forecast`;
const orders = asset({ key: ordersKey }, () => [1, 2, 3]);
/** And a partitioned asset of `up`, for its backfill's child runs. */
const regional = asset({ key: `wsx${suffix}/regional`, partitions: staticPartitions(['us', 'eu', 'ap']) }, (_, ctx) => ctx.partitionKey);
const upDefs = assignLocation(new Definitions({ assets: [orders, regional], ioManagers: { default: storage } }), up);

/** Location `down`: reads `wsx/orders` from `up`; an asset sensor and an eager asset react to it. */
const remoteOrders = sourceAsset<number[]>({ key: ordersKey, location: up });
const report = asset({ key: reportKey }, () => 'report');
const forecast = asset({ key: forecastKey, ins: { orders: remoteOrders }, automation: 'eager' }, ({ orders }) => orders.reduce((a, b) => a + b, 0));
const onOrders = assetSensor({ name: `remote_orders_${suffix}`, assets: [remoteOrders], selection: reportKey, defaultStatus: 'running' });
const downDefs = new Definitions({ assets: [remoteOrders, report, forecast], sensors: [onOrders], ioManagers: { default: storage } });

let t: TestStratum;
let downCatalog: Catalog;
let downWorker: StratumWorker;
let downRunning: Promise<void>;
let upClient: StratumClient;
const downQueue = uniqueTaskQueue('ws-down');

beforeAll(async () => {
  // `up`'s worker (and its catalog); `down`'s worker in the same process, its own catalog handle on the same file.
  t = await startTestStratum(upDefs, { prefix: 'ws-up' });
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
  await syncSensors({ client: t.client, definitions: downDefs, taskQueue: downQueue });
});

afterAll(async () => {
  for (const sensor of sensorsOf(downDefs)) await t?.client.workflow.getHandle(sensorWorkflowId(sensor.name, down)).terminate('test done').catch(() => undefined);
  downWorker?.shutdown();
  await downRunning;
  await downCatalog?.close();
  await t?.stop();
});

async function succeededRuns(assetKey: string): Promise<RunRecord[]> {
  return (await t.catalog.listRuns({ assetKey })).filter((r) => r.status === 'succeeded');
}

test("down's worker registers the foreign assets its sensors watch in the shared catalog", async () => {
  const watchers = await t.catalog.sensorWatchers([ordersKey]);
  expect(watchers).toEqual(
    [
      { location: down, sensor: EAGER_AUTOMATION_SENSOR, assetKey: ordersKey },
      { location: down, sensor: onOrders.name, assetKey: ordersKey },
    ].sort((a, b) => a.sensor.localeCompare(b.sensor)),
  );
  // The location's own lookups leave its own sensors out (its plans name them already).
  expect(await t.catalog.sensorWatchers([ordersKey], down)).toEqual([]);
  // A plan of `up` asks for them: nothing of `down` is in `up`'s definitions.
  const plan = await upClient.plan({ selection: ordersKey });
  expect(plan.notify).toEqual({ assetMaterialized: {}, runStatus: [], otherLocations: true, otherLocationRuns: true });
});

test("materializing up's asset triggers down's asset sensor run and eager run, on down's task queue", async () => {
  const source = await upClient.materialize({ selection: ordersKey });
  expect(source.status).toBe('succeeded');

  await waitFor(async () => (await succeededRuns(reportKey)).length > 0 && (await succeededRuns(forecastKey)).length > 0, 30_000);
  const [sensed] = await succeededRuns(reportKey);
  const [eager] = await succeededRuns(forecastKey);
  expect(sensed!.tags[SensorRunTags.sensor]).toBe(onOrders.name);
  expect(eager!.tags).toMatchObject({ [SensorRunTags.sensor]: EAGER_AUTOMATION_SENSOR, [SensorRunTags.automation]: 'eager' });
  for (const run of [sensed!, eager!]) {
    expect(run.workflowId.startsWith(`stratum@${down}/run/`)).toBe(true);
    const description = await t.client.workflow.getHandle(run.workflowId).describe();
    expect(description.taskQueue).toBe(downQueue);
  }
  // The eager asset read up's value through the shared IO manager.
  expect((await t.catalog.latestMaterialization(forecastKey, null))?.runId).toBe(eager!.runId);
});

test('a location that no longer watches an asset is not signalled: its worker replaces its watches', async () => {
  await downCatalog.registerSensorWatches(down, [{ sensor: onOrders.name, assetKey: ordersKey }]);
  expect((await t.catalog.sensorWatchers([ordersKey])).map((w) => w.sensor)).toEqual([onOrders.name]);
  await downCatalog.registerSensorWatches(down, []);
  expect(await t.catalog.sensorWatchers([ordersKey])).toEqual([]);
});

test("a named location's backfill child runs carry StratumLocation, so a filter on the location finds them", async () => {
  const backfill = await upClient.startBackfill({ selection: `wsx${suffix}/regional`, partitions: { all: true } });
  expect((await backfill.result()).status).toBe('completed');
  const query = `StratumLocation = '${up}' AND StratumBackfillId = '${backfill.backfillId}' AND WorkflowType = 'materialize'`;
  const children = async () => {
    const ids: string[] = [];
    for await (const w of t.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  };
  await waitFor(async () => (await children()).length === 3);
  // And no other location's filter finds them.
  const elsewhere: string[] = [];
  for await (const w of t.client.workflow.list({ query: `StratumLocation = '${down}' AND StratumBackfillId = '${backfill.backfillId}'` })) elsewhere.push(w.workflowId);
  expect(elsewhere).toEqual([]);
});
