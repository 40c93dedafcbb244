import { rebuildCatalog } from '../client/catalog-rebuild';
import { RunFailedError } from '../client/stratum-client';
import type { Catalog } from '../sdk/catalog';
import { openCatalog } from '../sdk/catalog';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import defs from './fixtures/rebuild-defs';
import { runStratum } from './harness/cli-process';
import { testTemporalAddress } from './harness/test-env';
import { diffSnapshots, snapshotCatalog } from '../sdk/catalog/catalog-snapshot';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import * as path from 'node:path';

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'rebuild' });
});
afterAll(async () => {
  await t?.stop();
});

test('the catalog rebuilt from workflow history equals the one the workers wrote (retries, a failed run, partitions, a backfill, checks, observations, a scheduled run)', async () => {
  await t.stratum.materialize({ selection: 'rebuild/orders, rebuild/flaky' });
  await expect(t.stratum.materialize({ selection: 'rebuild/broken+' })).rejects.toBeInstanceOf(RunFailedError);
  await t.stratum.materialize({ selection: 'rebuild/orders' });
  await t.stratum.materialize({ selection: 'rebuild/feed' });
  // A tick of a schedule, started the way the Schedule's action starts it.
  const tickId = `stratum/schedule/rebuild_hourly-${new Date().toISOString()}`;
  await t.client.workflow.execute('scheduledRun', {
    workflowId: tickId,
    taskQueue: t.taskQueue,
    args: [{ schedule: 'rebuild_hourly' }],
    typedSearchAttributes: [{ key: StratumSearchAttributes.kind, value: 'run' }] as any,
  });
  await t.stratum.materialize({ selection: 'rebuild/daily', partitionKey: '2024-03-01' });
  const backfill = await t.stratum.startBackfill({ selection: 'rebuild/daily', partitions: { from: '2024-03-02', to: '2024-03-04' } });
  await backfill.result();

  const rebuilt: Catalog = await openCatalog(path.join(t.tmpDir, 'rebuilt.db'));
  try {
    const report = await rebuildCatalog({ client: t.client, definitions: defs, into: rebuilt, filter: `TaskQueue = '${t.taskQueue}'` });
    expect(report).toMatchObject({ runs: 9, running: 0, skipped: [], observations: 1 });
    expect(report.checkResults).toBe(6);
    const original = await snapshotCatalog(t.catalog);
    expect(original.runs.map((r) => r.status).sort()).toEqual(['failed', 'failed', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(original.observations.map((o) => `${o.assetKey}:${o.dataVersion}`)).toEqual(['rebuild/feed:feed-v1']);
    expect(original.checks.map((c) => `${c.checkName}:${c.partitionKey ?? '-'}:${c.outcome}`).sort()).toEqual([
      'day_complete:2024-03-01:passed', 'day_complete:2024-03-02:passed', 'day_complete:2024-03-04:failed', 'has_rows:-:passed', 'has_rows:-:passed', 'has_rows:-:passed',
    ]);
    expect(original.materializations.find((m) => m.assetKey === 'rebuild/flaky')?.attempt).toBe(2);
    expect(original.partitions.find((p) => p.partitionKey === '2024-03-03')?.status).toBe('failed');
    expect(diffSnapshots(original, await snapshotCatalog(rebuilt))).toEqual([]);
  } finally {
    await rebuilt.close();
  }

  // The same from the CLI, and prune's dry run on the catalog the workers wrote.
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_CATALOG: path.join(t.tmpDir, 'catalog.db') };
  const defsPath = path.join(__dirname, 'fixtures', 'rebuild-defs.ts');
  const into = path.join(t.tmpDir, 'rebuilt-by-cli.db');
  const cli = await runStratum(['catalog', 'rebuild', '--defs', defsPath, '--into', into, '--query', `TaskQueue = '${t.taskQueue}'`], env);
  expect(cli.stderr).not.toContain('error');
  expect(cli.stdout).toContain('from 9 runs');
  expect(cli.stdout).toContain('identical to the current catalog');
  expect(cli.code).toBe(0);
  const again = await runStratum(['catalog', 'rebuild', '--defs', defsPath, '--into', into, '--query', `TaskQueue = '${t.taskQueue}'`], env);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('is not empty');
  // A scheduled run's workflow id does not end with its run id; `runs show` finds it anyway.
  const shown = await runStratum(['runs', 'show', tickId, '--defs', defsPath, '--json'], env);
  expect(JSON.parse(shown.stdout)).toMatchObject({ workflowId: tickId, status: 'succeeded' });
  const prune = await runStratum(['catalog', 'prune', '--older-than', '90d', '--dry-run', '--json'], env);
  expect(JSON.parse(prune.stdout)).toMatchObject({ dryRun: true, materializations: 0, runs: 0 });
  const badAge = await runStratum(['catalog', 'prune', '--older-than', 'ninety days'], env);
  expect(badAge.code).toBe(2);
  expect(badAge.stderr).toContain('is not a duration');
});

test('a catalog written by runs in local mode (steps as local activity markers) rebuilds identical', async () => {
  const l = await startTestStratum(defs, { prefix: 'rebuild-local' });
  try {
    await l.stratum.materialize({ selection: 'rebuild/orders, rebuild/flaky', executionMode: 'local' });
    await expect(l.stratum.materialize({ selection: 'rebuild/broken+', executionMode: 'local' })).rejects.toBeInstanceOf(RunFailedError);
    await l.stratum.materialize({ selection: 'rebuild/feed', executionMode: 'local' });
    await l.stratum.materialize({ selection: 'rebuild/daily', partitionKey: '2024-03-02', executionMode: 'local' });
    // Its blocking check (always a regular activity) fails after the local step materialized the partition.
    await expect(l.stratum.materialize({ selection: 'rebuild/daily', partitionKey: '2024-03-04', executionMode: 'local' })).rejects.toBeInstanceOf(RunFailedError);
    await expect(l.stratum.materialize({ selection: 'rebuild/daily', partitionKey: '2024-03-03', executionMode: 'local' })).rejects.toBeInstanceOf(RunFailedError);
    const original = await snapshotCatalog(l.catalog);
    expect(original.materializations.map((m) => `${m.assetKey}:${m.partitionKey ?? '-'}`).sort()).toEqual([
      'rebuild/daily:2024-03-02', 'rebuild/daily:2024-03-04', 'rebuild/flaky:-', 'rebuild/orders:-',
    ]);
    expect(original.observations.map((o) => o.assetKey)).toEqual(['rebuild/feed']);

    const rebuilt: Catalog = await openCatalog(path.join(l.tmpDir, 'rebuilt.db'));
    try {
      const report = await rebuildCatalog({ client: l.client, definitions: defs, into: rebuilt, filter: `TaskQueue = '${l.taskQueue}'` });
      expect(report).toMatchObject({ runs: 6, running: 0, skipped: [], materializations: 4, observations: 1, checkResults: 3 });
      expect(diffSnapshots(original, await snapshotCatalog(rebuilt))).toEqual([]);
    } finally {
      await rebuilt.close();
    }
    const cli = await runStratum(['catalog', 'rebuild', '--defs', path.join(__dirname, 'fixtures', 'rebuild-defs.ts'), '--into', path.join(l.tmpDir, 'rebuilt-by-cli.db'), '--query', `TaskQueue = '${l.taskQueue}'`], {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      STRATUM_CATALOG: path.join(l.tmpDir, 'catalog.db'),
    });
    expect(cli.stdout).toContain('identical to the current catalog');
    expect(cli.code).toBe(0);
  } finally {
    await l.stop();
  }
});
