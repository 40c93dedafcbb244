/**
 * Runs are findable and consistent (issue 11, item 5): a range run is found in Temporal by a
 * filter on one partition inside its range; `stratum backfill list` works on the dev server
 * (which refuses ORDER BY); `partitions list` and `runs show` agree on a partition's state, and
 * every run id `partitions list` prints opens with `runs show`.
 */
import path from 'node:path';
import defs from '../fixtures/findable-defs';
import { StratumSearchAttributes } from '../../sdk/protocol/search-attributes';
import { runStratum } from '../harness/cli-process';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress } from '../harness/test-env';

const defsFile = path.resolve(__dirname, '..', 'fixtures', 'findable-defs.ts');
let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'findable' });
});
afterAll(() => t?.stop());

const cli = (...args: string[]) =>
  runStratum([...args, '--defs', defsFile], {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: t.taskQueue,
    STRATUM_CATALOG: path.join(t.tmpDir, 'catalog.db'),
  });

/** Workflow ids of this test's runs matching a visibility query (visibility is eventually consistent: poll). */
async function findRuns(query: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    ids = [];
    for await (const w of t.client.workflow.list({ query: `TaskQueue = '${t.taskQueue}' AND StratumKind = 'run' AND ${query}` })) ids.push(w.workflowId);
    if (ids.length >= expected) return ids.sort();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return ids.sort();
}

const covering = (key: string) => `StratumPartitionStart <= '${key}' AND StratumPartitionEnd >= '${key}'`;

describe('findable and consistent runs', () => {
  let rangeRun: { runId: string; workflowId: string };
  let singleRun: { runId: string; workflowId: string };

  test('a range run is found by a filter on one partition inside its range, as a one-partition run is', async () => {
    const range = await t.stratum.start({ selection: 'find/ranged', partitionRange: { from: '2024-01-01', to: '2024-01-05' } });
    const rangeResult = await range.result();
    expect(rangeResult.status).toBe('succeeded');
    rangeRun = { runId: rangeResult.runId, workflowId: range.workflowId };
    const single = await t.stratum.start({ selection: 'find/ranged', partitionKey: '2024-01-06' });
    singleRun = { runId: (await single.result()).runId, workflowId: single.workflowId };

    const description = await range.handle.describe();
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.partition)).toBe('2024-01-01...2024-01-05');
    expect(await findRuns(covering('2024-01-03'), 1)).toEqual([range.workflowId]);
    expect(await findRuns(covering('2024-01-05'), 1)).toEqual([range.workflowId]);
    expect(await findRuns(covering('2024-01-06'), 1)).toEqual([single.workflowId]);
    expect(await findRuns(`StratumPartition = '2024-01-06'`, 1)).toEqual([single.workflowId]);
  });

  test('partitions list and runs show agree, for a range run and for a backfill whose one partition fails', async () => {
    const backfill = await t.stratum.startBackfill({ selection: 'find/events+', partitions: { from: '2024-01-01', to: '2024-01-06' }, maxConcurrent: 2 });
    const progress = await backfill.result();
    expect(progress.failed).toBeGreaterThanOrEqual(1);

    const shownRuns = new Map<string, { code: number; stdout: string; stderr: string }>();
    const show = async (runId: string) => {
      if (!shownRuns.has(runId)) shownRuns.set(runId, await cli('runs', 'show', runId, '--json'));
      return shownRuns.get(runId)!;
    };
    for (const asset of ['find/events', 'find/after', 'find/ranged']) {
      const listed = await cli('partitions', 'list', asset, '--json');
      expect(listed.code).toBe(0);
      const rows: { key: string; status: string; runId: string | null }[] = JSON.parse(listed.stdout).partitions;
      if (asset === 'find/events') {
        expect(rows.map((r) => [r.key, r.status])).toEqual([
          ['2024-01-01', 'materialized'],
          ['2024-01-02', 'materialized'],
          ['2024-01-03', 'failed'],
          ['2024-01-04', 'materialized'],
          ['2024-01-05', 'materialized'],
          ['2024-01-06', 'materialized'],
        ]);
      } else if (asset === 'find/after') {
        // its 2024-01-03 never ran (events failed that day): not materialized, and never a run that did not run it
        expect(rows.filter((r) => r.status === 'materialized').map((r) => r.key)).toEqual(['2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05', '2024-01-06']);
      } else {
        expect(rows.every((r) => r.status === 'materialized')).toBe(true);
        expect(rows.filter((r) => r.runId === rangeRun.runId).map((r) => r.key)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
        expect(rows.find((r) => r.key === '2024-01-06')?.runId).toBe(singleRun.runId);
      }
      for (const row of rows) {
        if (row.status === 'missing') {
          expect(row.runId).toBeNull();
          continue;
        }
        expect(row.runId).toEqual(expect.any(String));
        const shown = await show(row.runId!);
        expect({ key: row.key, code: shown.code, stderr: shown.stderr }).toEqual({ key: row.key, code: 0, stderr: expect.any(String) });
        const run = JSON.parse(shown.stdout);
        const step = run.steps.find((s: { key: string }) => s.key === asset);
        // the run's state for this partition is the partition's state
        expect({ key: row.key, step: step?.status }).toEqual({ key: row.key, step: row.status === 'materialized' ? 'succeeded' : expect.stringMatching(/^(failed|skipped)$/) });
        expect({ key: row.key, covers: run.partitionKey === row.key || (run.partitionRange && run.partitionRange.from <= row.key && run.partitionRange.to >= row.key) }).toEqual({ key: row.key, covers: true });
        if (row.status === 'materialized') {
          expect(run.materializations.map((m: { assetKey: string; partitionKey: string }) => `${m.assetKey}[${m.partitionKey}]`)).toContain(`${asset}[${row.key}]`);
        }
      }
      const text = await cli('runs', 'show', rows[0]!.runId!);
      if (asset === 'find/ranged') expect(text.stdout).toMatch(/partition\s+2024-01-01\.\.\.2024-01-05/);
    }
  }, 400_000);

  test('stratum backfill list works on the dev server, newest first', async () => {
    const second = await t.stratum.startBackfill({ selection: 'find/ranged', partitions: { from: '2024-01-01', to: '2024-01-02' } });
    await second.result();
    // its one child run covers the range (single-run backfill policy): found by a key inside it
    expect(await findRuns(`StratumBackfillId = '${second.backfillId}' AND ${covering('2024-01-02')}`, 1)).toHaveLength(1);
    const listed = await cli('backfill', 'list', '--json');
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('Failed to list') });
    const rows: { backfillId: string; startedAt: number }[] = JSON.parse(listed.stdout);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows[0]!.backfillId).toBe(second.backfillId);
    expect(rows.map((r) => r.startedAt)).toEqual([...rows.map((r) => r.startedAt)].sort((a, b) => b - a));
    const limited = JSON.parse((await cli('backfill', 'list', '--json', '--limit', '1')).stdout);
    expect(limited.map((r: { backfillId: string }) => r.backfillId)).toEqual([second.backfillId]);
    const text = await cli('backfill', 'list');
    expect(text.stdout).toContain(second.backfillId);
  }, 200_000);
});
