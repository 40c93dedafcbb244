/**
 * Event-driven sensors without Temporal: who a plan notifies, definition errors, and eager
 * automation's readiness against a real SQLite catalog (materializations recorded as runs would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asset, assetJob, assetSensor, dailyPartitions, Definitions, EAGER_AUTOMATION_SENSOR, eagerReadiness, InvalidDefinitionError, runFailureSensor, runStatusSensor, SensorRunTags } from '../sdk';
import { createPlan } from '../sdk/planning/planner';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { SkipReason, type AnySensorDefinition, type SensorEvaluationContext } from '../sdk/automation/sensors/sensor-definition';
import { captureError } from './harness/wait';
import { sensorNamed } from '../sdk/automation/sensors/code-location-sensors';

const a = asset({ key: 'a' }, () => 1);
const c = asset({ key: 'c' }, () => 2);
const b = asset({ key: 'b', ins: { a, c }, automation: 'eager' }, ({ a, c }) => a + c);
const other = asset({ key: 'other' }, () => 0);
const daily = assetJob({ name: 'daily', selection: 'a' });
const onA = assetSensor({ name: 'on_a', assets: [a], selection: 'other' });
const onDailyFailure = runFailureSensor({ name: 'daily_failed', jobs: [daily], fn: () => undefined });
const onAnyRun = runStatusSensor({ name: 'any_run', status: ['success', 'failure'], fn: () => undefined });

const defs = new Definitions({ assets: [a, c, b, other], jobs: [daily], sensors: [onA, onDailyFailure, onAnyRun] });

describe('plan notifications', () => {
  test('a run notifies the asset sensors and eager automation watching what it materializes, and the run-status sensors matching its job', () => {
    const plan = createPlan(defs, { job: 'daily' });
    expect(plan.notify).toEqual({
      assetMaterialized: { a: ['on_a', EAGER_AUTOMATION_SENSOR] },
      runStatus: [
        { sensor: 'daily_failed', statuses: ['failed'] },
        { sensor: 'any_run', statuses: ['succeeded', 'failed'] },
      ],
    });
  });

  test('an ad-hoc run is seen by sensors watching every run only; assets nobody watches are left out', () => {
    const plan = createPlan(defs, { selection: 'other' });
    expect(plan.notify).toEqual({ assetMaterialized: {}, runStatus: [{ sensor: 'any_run', statuses: ['succeeded', 'failed'] }] });
  });

  test('a run-status sensor is not told about runs it requested itself', () => {
    const plan = createPlan(defs, { selection: 'other', tags: { [SensorRunTags.sensor]: 'any_run' } });
    expect(plan.notify).toBeUndefined();
  });

  test('plans of definitions without sensors have no notify field at all (their runs replay as before)', () => {
    const plan = createPlan(new Definitions({ assets: [a, c] }), { selection: '*' });
    expect('notify' in plan).toBe(false);
  });
});

describe('definition errors', () => {
  test('an eager asset without upstream assets is refused', () => {
    const lonely = asset({ key: 'lonely', automation: 'eager' }, () => 1);
    const error = captureError(() => new Definitions({ assets: [lonely] }));
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toMatch(/asset "lonely" has automation: 'eager' but no upstream assets/);
  });

  test('an unknown automation value is refused', () => {
    const error = captureError(() => asset({ key: 'x', automation: 'lazy' as 'eager' }, () => 1));
    expect(error.message).toMatch(/automation must be 'eager'/);
  });

  test('an asset sensor watching an unknown asset names it and suggests near matches', () => {
    const sensor = assetSensor({ name: 'typo', assets: ['oter'], selection: 'other' });
    const error = captureError(() => new Definitions({ assets: [other], sensors: [sensor] }));
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toMatch(/asset sensor "typo" watches unknown asset "oter" \(did you mean "other"\?\)/);
  });

  test('a run-status sensor naming an unknown job, or an unknown status, is refused', () => {
    const unknownJob = runFailureSensor({ name: 'f', jobs: ['dialy'], fn: () => undefined });
    expect(captureError(() => new Definitions({ assets: [a], jobs: [daily], sensors: [unknownJob] })).message).toMatch(/unknown job "dialy" \(did you mean "daily"\?\)/);
    expect(captureError(() => runStatusSensor({ name: 'f', status: 'failed' as 'failure', fn: () => undefined })).message).toMatch(/status must be 'success', 'failure' or 'canceled'.*"failed"/);
  });

  test('an asset sensor with nothing to run is refused', () => {
    expect(captureError(() => assetSensor({ name: 's', assets: [a] })).message).toMatch(/has nothing to run/);
  });
});

// ---------------------------------------------------------------------------------------------
// Eager readiness on a real SQLite catalog.
// ---------------------------------------------------------------------------------------------

let tmp: string;
let catalog: Catalog;
let clock = 1_000_000;
let runCounter = 0;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'stratum-eager-'));
  catalog = await openCatalog(path.join(tmp, 'catalog.db'));
});
afterAll(async () => {
  await catalog?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Records a materialization as a run's step would: started, then stored 10 ms later. */
async function materialized(assetKey: string, partitionKey: string | null = null) {
  clock += 100;
  runCounter += 1;
  return catalog.recordMaterialization({
    runId: `run-${runCounter}`,
    stepKey: assetKey,
    assetKey,
    partitionKey,
    dataVersion: `v${runCounter}`,
    codeVersion: null,
    metadata: {},
    storageLocation: null,
    startedAt: clock,
    materializedAt: clock + 10,
    attempt: 1,
  });
}

function evaluationContext(definitions: Definitions): SensorEvaluationContext {
  const noop = () => undefined;
  return {
    sensorName: EAGER_AUTOMATION_SENSOR,
    cursor: null,
    updateCursor: noop,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    now: new Date(),
    catalog,
    definitions,
  };
}

const ctx = { now: new Date('2024-06-01T00:00:00Z') };

describe('eager readiness', () => {
  test('an eager asset waits until every upstream has a new materialization, then once per upstream versions', async () => {
    const first = await materialized('a');
    expect(await eagerReadiness(catalog, defs, 'b', null, ctx)).toEqual({ ready: false, reason: expect.stringMatching(/waits for "c", which was never materialized/) });

    const cFirst = await materialized('c');
    const ready = await eagerReadiness(catalog, defs, 'b', null, ctx);
    expect(ready).toEqual({ ready: true, runKey: `eager:b::a@${first.id},c@${cFirst.id}`, upstream: expect.any(Array) });
    // Asked again before b ran (a second upstream event): the same run key, so the sensor starts one run.
    expect(await eagerReadiness(catalog, defs, 'b', null, ctx)).toEqual(ready);

    await materialized('b');
    expect((await eagerReadiness(catalog, defs, 'b', null, ctx)).ready).toBe(false);

    await materialized('a');
    expect(await eagerReadiness(catalog, defs, 'b', null, ctx)).toEqual({ ready: false, reason: expect.stringMatching(/waits for a new materialization of "c"/) });

    await materialized('c');
    const again = await eagerReadiness(catalog, defs, 'b', null, ctx);
    expect(again.ready).toBe(true);
    expect(again.ready && again.runKey).not.toBe(ready.ready && ready.runKey);
  });

  test('the automation sensor requests the eager asset alone, tagged, for the materialized partition', async () => {
    const days = dailyPartitions({ start: '2024-01-01' });
    const raw = asset({ key: 'p/raw', partitions: days }, () => 1);
    const dim = asset({ key: 'p/dim' }, () => 1);
    const clean = asset({ key: 'p/clean', partitions: days, ins: { raw, dim }, automation: 'eager' }, ({ raw }) => raw);
    const partitioned = new Definitions({ assets: [raw, dim, clean] });
    const sensor = sensorNamed(partitioned, EAGER_AUTOMATION_SENSOR) as AnySensorDefinition;
    expect(sensor.watchedAssets).toEqual(['p/raw', 'p/dim']);
    const event = (assetKey: string, partitionKey: string | null) => ({
      kind: 'asset-materialized' as const,
      event: { assetKey, partitionKey, runId: 'r', stepKey: assetKey, dataVersion: 'v', materializedAt: clock },
    });

    await materialized('p/raw', '2024-03-01');
    const waiting = await sensor.evaluate(evaluationContext(partitioned), event('p/raw', '2024-03-01'));
    expect(waiting).toBeInstanceOf(SkipReason);
    expect((waiting as SkipReason).reason).toMatch(/"p\/clean" \[2024-03-01\] waits for "p\/dim"/);

    await materialized('p/dim');
    // An unpartitioned upstream cannot say which partition to run.
    expect(await sensor.evaluate(evaluationContext(partitioned), event('p/dim', null))).toBeInstanceOf(SkipReason);
    await materialized('p/raw', '2024-03-02');
    const requests = await sensor.evaluate(evaluationContext(partitioned), event('p/raw', '2024-03-02'));
    expect(requests).toEqual([
      {
        runKey: expect.stringMatching(/^eager:p\/clean:2024-03-02:p\/raw@\d+,p\/dim@\d+$/),
        selection: 'p/clean',
        partitionKey: '2024-03-02',
        tags: { [SensorRunTags.sensor]: EAGER_AUTOMATION_SENSOR, [SensorRunTags.automation]: 'eager' },
      },
    ]);
  });

  test('a run that materializes the eager asset itself does not trigger it again', async () => {
    const sensor = sensorNamed(defs, EAGER_AUTOMATION_SENSOR)!;
    await catalog.recordRunStarted({ runId: 'star-run', workflowId: 'w', job: null, selection: '*', assetKeys: ['a', 'c', 'b'], partitionKey: null, startedAt: clock });
    await materialized('a');
    await materialized('c');
    const event = (runId: string) => ({ kind: 'asset-materialized' as const, event: { assetKey: 'c', partitionKey: null, runId, stepKey: 'c', dataVersion: 'v', materializedAt: clock } });
    const fromStar = await sensor.evaluate(evaluationContext(defs), event('star-run'));
    expect((fromStar as SkipReason).reason).toMatch(/"b" is materialized by run star-run itself/);
    expect(await sensor.evaluate(evaluationContext(defs), event('another-run'))).toEqual([expect.objectContaining({ selection: 'b', partitionKey: null })]);
  });

  test('a partitioned eager asset with no identically partitioned upstream is refused', () => {
    const days = dailyPartitions({ start: '2024-01-01' });
    const dim = asset({ key: 'q/dim' }, () => 1);
    const fact = asset({ key: 'q/fact', partitions: days, ins: { dim }, automation: 'eager' }, () => 1);
    expect(captureError(() => new Definitions({ assets: [dim, fact] })).message).toMatch(/none of its upstream assets has the same partitions/);
  });
});
