import type { Catalog, MaterializationInput } from '../../sdk/catalog';
import { catalogBackends, type OpenedCatalog } from '../harness/catalog-backends';
import { asset, Definitions, inMemoryIOManager } from '../../sdk';
import { createPlan } from '../../sdk/planning/planner';
import { PLAN_INLINE_MAX_BYTES_ENV, type PlanReference } from '../../sdk/protocol/plan-reference';
import { materializeInput } from '../../client/start-run';

const DAY = 86_400_000;
const NOW = 1_000 * DAY;
const backends = catalogBackends();

function mat(runId: string, assetKey: string, partitionKey: string | null, daysAgo: number): MaterializationInput {
  const at = NOW - daysAgo * DAY;
  return { runId, stepKey: assetKey, assetKey, partitionKey, dataVersion: `${runId}-${assetKey}`, codeVersion: null, metadata: {}, storageLocation: null, startedAt: at - 10, materializedAt: at, attempt: 1 };
}

function check(runId: string, checkName: string, daysAgo: number) {
  return { runId, stepKey: `orders:check:${checkName}`, assetKey: 'orders', partitionKey: null, checkName, outcome: 'passed' as const, severity: 'error' as const, blocking: false, description: null, metadata: {}, evaluatedAt: NOW - daysAgo * DAY, attempt: 1 };
}

async function finishedRun(catalog: Catalog, runId: string, daysAgo: number, status: 'succeeded' | 'failed' = 'succeeded'): Promise<void> {
  const at = NOW - daysAgo * DAY;
  await catalog.recordRunStarted({ runId, workflowId: `stratum/run/x/${runId}`, job: null, selection: '*', assetKeys: ['orders'], partitionKey: null, startedAt: at - 100 });
  await catalog.appendLogs([{ runId, stepKey: 'orders', attempt: 1, seq: 0, ts: at, level: 'info', message: 'hello' }]);
  await catalog.recordRunFinished({ runId, status, endedAt: at, steps: [{ key: 'orders', status, startedAt: at - 50, endedAt: at, attempts: 1, error: null, assetKeys: ['orders'] }] });
}

describe.each(backends)('catalog prune on $name', (backend) => {
  let opened: OpenedCatalog;
  let catalog: Catalog;
  beforeEach(async () => {
    opened = await backend.open();
    catalog = opened.catalog;
    // orders: three old runs and one recent one; events: one old run per day partition; report: one old run only.
    for (const [runId, daysAgo] of [['r-200', 200], ['r-150', 150], ['r-120', 120], ['r-10', 10]] as const) {
      await finishedRun(catalog, runId, daysAgo);
      await catalog.recordMaterialization(mat(runId, 'orders', null, daysAgo));
    }
    await finishedRun(catalog, 'r-e1', 180);
    await catalog.recordMaterialization(mat('r-e1', 'events', '2024-01-01', 180));
    await catalog.recordMaterialization(mat('r-e1', 'events', '2024-01-02', 180));
    await finishedRun(catalog, 'r-e2', 170);
    await catalog.recordMaterialization(mat('r-e2', 'events', '2024-01-01', 170));
    await finishedRun(catalog, 'r-rep', 300);
    await catalog.recordMaterialization(mat('r-rep', 'report', null, 300));
    // A failed run that left a partition failed is still the partition's current state: kept.
    await finishedRun(catalog, 'r-fail', 160, 'failed');
    await catalog.recordAssetPartitionFailed({ assetKey: 'events', partitionKey: '2024-01-03', runId: 'r-fail', failedAt: NOW - 160 * DAY, error: 'boom' });
    // A failed run that changed nothing current: deleted.
    await finishedRun(catalog, 'r-fail-old', 250, 'failed');
    // Check results: `has_rows` twice (the old one goes), `fresh` once, long ago (kept, and so is its run r-150).
    await catalog.recordCheckResult(check('r-200', 'has_rows', 200));
    await catalog.recordCheckResult(check('r-10', 'has_rows', 10));
    await catalog.recordCheckResult(check('r-150', 'fresh', 150));
  });
  afterEach(async () => {
    await catalog.close();
    await opened.cleanup();
  });

  test('keeps the latest materialization of every asset partition and deletes older history', async () => {
    const dry = await catalog.prune({ olderThan: NOW - 90 * DAY, dryRun: true });
    expect(dry).toEqual({ materializations: 4, observations: 0, checkResults: 1, runs: 3, logLines: 3, plans: 0 });
    expect(await catalog.materializationHistory('orders')).toHaveLength(4);

    expect(await catalog.prune({ olderThan: NOW - 90 * DAY })).toEqual(dry);
    expect((await catalog.materializationHistory('orders')).map((m) => m.runId)).toEqual(['r-10']);
    expect((await catalog.materializationHistory('events')).map((m) => `${m.partitionKey}:${m.runId}`).sort()).toEqual(['2024-01-01:r-e2', '2024-01-02:r-e1']);
    // Nothing newer exists for `report`: its only (old) materialization is its latest, so it stays.
    expect((await catalog.latestMaterialization('report'))?.runId).toBe('r-rep');
    expect((await catalog.listRuns()).map((r) => r.runId).sort()).toEqual(['r-10', 'r-150', 'r-e1', 'r-e2', 'r-fail', 'r-rep']);
    expect((await catalog.checkHistory('orders')).map((c) => `${c.checkName}:${c.runId}`).sort()).toEqual(['fresh:r-150', 'has_rows:r-10']);
    for (const gone of ['r-200', 'r-120', 'r-fail-old']) {
      expect(await catalog.getRun(gone)).toBeNull();
      expect(await catalog.runLogs(gone)).toEqual([]);
    }
    expect(await catalog.listRuns({ assetKey: 'orders', limit: 100 })).toHaveLength(6);
    expect((await catalog.partitionStatus('events', '2024-01-03'))?.status).toBe('failed');
    const orders = (await catalog.listAssets()).find((a) => a.assetKey === 'orders');
    expect(orders).toMatchObject({ materializationCount: 1, lastMaterializedAt: NOW - 10 * DAY });
    // Pruning again finds nothing more.
    expect(await catalog.prune({ olderThan: NOW - 90 * DAY })).toEqual({ materializations: 0, observations: 0, checkResults: 0, runs: 0, logLines: 0, plans: 0 });
  });
});

describe.each(backends)('catalog prune of stored plans on $name', (backend) => {
  let opened: OpenedCatalog;
  let catalog: Catalog;
  const defs = new Definitions({ assets: [asset({ key: 'orders' }, () => 1)], ioManagers: { default: inMemoryIOManager() } });
  /** Stores the plan of run `runId` by reference, as `startRun` does for a plan past the inline limit; returns its hash. */
  const storePlan = async (runId: string) => {
    const input = await materializeInput(createPlan(defs, { selection: '*', runId }), catalog, { [PLAN_INLINE_MAX_BYTES_ENV]: '1' });
    return (input as PlanReference).planRef.hash;
  };
  const started = (runId: string) =>
    catalog.recordRunStarted({ runId, workflowId: `stratum/run/x/${runId}`, job: null, selection: '*', assetKeys: ['orders'], partitionKey: null, startedAt: Date.now() });
  const finished = (runId: string) =>
    catalog.recordRunFinished({ runId, status: 'succeeded', endedAt: Date.now(), steps: [{ key: 'orders', status: 'succeeded', startedAt: Date.now(), endedAt: Date.now(), attempts: 1, error: null, assetKeys: ['orders'] }] });
  beforeEach(async () => {
    opened = await backend.open();
    catalog = opened.catalog;
  });
  afterEach(async () => {
    await catalog.close();
    await opened.cleanup();
  });

  test('deletes plans stored before the cut-off unless their run is unfinished, and counts them (dry run: would delete)', async () => {
    const running = await storePlan('run-running');
    await started('run-running');
    const done = await storePlan('run-done');
    await started('run-done');
    await finished('run-done');
    const neverStarted = await storePlan('run-never-recorded');
    const all = [running, done, neverStarted];
    expect(new Set(all).size).toBe(3);

    // Stored after the cut-off: kept whatever their runs.
    expect((await catalog.prune({ olderThan: Date.now() - 90 * DAY })).plans).toBe(0);

    const later = Date.now() + DAY;
    const dry = await catalog.prune({ olderThan: later, dryRun: true });
    expect(dry.plans).toBe(2);
    for (const hash of all) expect(await catalog.planPage(hash, 0)).not.toBeNull();

    expect((await catalog.prune({ olderThan: later })).plans).toBe(2);
    expect(await catalog.planPage(done, 0)).toBeNull();
    expect(await catalog.planPage(done, 1)).toBeNull();
    expect(await catalog.planPage(neverStarted, 0)).toBeNull();
    // The unfinished run (it may still continue-as-new and read its plan again) keeps every page.
    const header = await catalog.planPage(running, 0);
    expect(header).not.toBeNull();
    for (let page = 1; page < header!.pages; page++) expect(await catalog.planPage(running, page)).not.toBeNull();

    // Once its end is recorded, the next prune takes it.
    await finished('run-running');
    expect((await catalog.prune({ olderThan: later, dryRun: true })).plans).toBe(1);
    expect((await catalog.prune({ olderThan: later })).plans).toBe(1);
    expect(await catalog.planPage(running, 0)).toBeNull();
  });
});
