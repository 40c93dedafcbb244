/**
 * Plans and results past Temporal's payload limit (issue 13, item 4), on the shared dev server:
 * a plan past the inline threshold runs by reference and returns a compact result; a run by
 * reference that continues-as-new completes with every step recorded, as one run; a backfill
 * child whose result is compact still tells the backfill which asset partitions succeeded,
 * failed and were blocked; a step that cannot fit is refused before anything starts.
 */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, NonRetryableError, singleRunBackfill, type AssetDefinition } from 'stratum';
import { RequestOverLimitError, RunFailedError } from 'stratum/client';
import { PLAN_INLINE_MAX_BYTES, PLAN_INLINE_MAX_BYTES_ENV, RUN_CONTINUE_AS_NEW_EVENTS_ENV } from '../../sdk/protocol/plan-reference';
import { runStratum } from '../harness/cli-process';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress } from '../harness/test-env';

const WIDE = 600;
const CHAIN = 150;
const wide = Array.from({ length: WIDE }, (_, i) => asset({ key: `large/w${i}`, group: 'wide' }, () => i));
const chain: AssetDefinition<number, any, any>[] = [asset({ key: 'large/c0', group: 'chain' }, () => 0)];
for (let i = 1; i < CHAIN; i++) {
  const up = chain[i - 1]!;
  chain.push(asset({ key: `large/c${i}`, group: 'chain', ins: { up } }, ({ up }) => up + 1));
}
const bad = asset({ key: 'large/bad', group: 'chain' }, () => {
  throw new NonRetryableError('bad on purpose');
});
const afterBad = asset({ key: 'large/after_bad', group: 'chain', ins: { bad } }, ({ bad }) => bad);
const configured = asset({ key: 'large/configured', config: z.object({ blob: z.string() }) }, (_, ctx) => ctx.config.blob.length);

const days = dailyPartitions({ start: '2021-01-01' });
const rangeA = asset({ key: 'sr/a', partitions: days, backfillPolicy: singleRunBackfill() }, (_, ctx) => ctx.partitionKeys.length);
const rangeB = asset({ key: 'sr/b', partitions: days, backfillPolicy: singleRunBackfill(), ins: { rangeA } }, () => {
  throw new NonRetryableError('b fails on purpose');
});
const rangeC = asset({ key: 'sr/c', partitions: days, backfillPolicy: singleRunBackfill(), ins: { rangeB } }, () => 1);

const defs = new Definitions({ assets: [...wide, ...chain, bad, afterBad, configured, rangeA, rangeB, rangeC], ioManagers: { default: inMemoryIOManager() } });

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'large-plans' });
});
afterAll(() => t?.stop());

/** Sizes of a finished workflow run's input and of its result (or its failure's details), in bytes. */
async function ioSizes(client: Client, workflowId: string, runId?: string): Promise<{ input: number; result: number; largest: number; events: number }> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const size = (p: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined) => (p?.payloads ?? []).reduce((n, x) => n + (x.data?.length ?? 0), 0);
  const last = events[events.length - 1]!;
  const result =
    size(last.workflowExecutionCompletedEventAttributes?.result) ||
    size(last.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.details) ||
    size(last.workflowExecutionContinuedAsNewEventAttributes?.input);
  let largest = 0;
  for (const e of events) {
    largest = Math.max(
      largest,
      size(e.markerRecordedEventAttributes?.details?.result),
      size(e.activityTaskScheduledEventAttributes?.input),
      size(e.activityTaskCompletedEventAttributes?.result),
      size(e.workflowExecutionStartedEventAttributes?.input),
    );
  }
  return { input: size(events[0]?.workflowExecutionStartedEventAttributes?.input), result, largest, events: events.length };
}

/** Runs `fn` with environment variables set (the client reads them when it starts a run). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('a plan past the inline threshold', () => {
  test('runs by reference: the workflow input and its result stay small, the catalog has every step', async () => {
    const plan = await t.stratum.plan({ selection: 'group:wide', maxConcurrent: 50 });
    expect(plan.steps).toHaveLength(WIDE);
    expect(Buffer.byteLength(JSON.stringify(plan))).toBeGreaterThan(PLAN_INLINE_MAX_BYTES);
    const run = await t.stratum.startPlan(plan);
    const result = await run.result();
    expect(result.status).toBe('succeeded');
    expect(result.summary).toEqual({ total: WIDE, counts: { succeeded: WIDE, failed: 0, skipped: 0, canceled: 0 }, omitted: 0 });
    expect(result.steps).toEqual([]);
    const sizes = await ioSizes(t.client, run.workflowId);
    expect(sizes.input).toBeLessThan(1_024);
    expect(sizes.result).toBeLessThan(4_096);
    expect(sizes.largest).toBeLessThan(512 * 1_024);
    const recorded = await t.stratum.getRun(plan.runId);
    expect(recorded?.status).toBe('succeeded');
    expect(recorded?.steps).toHaveLength(WIDE);
    expect(recorded?.steps.every((s) => s.status === 'succeeded')).toBe(true);
  }, 120_000);
});

describe('a run by reference that continues-as-new', () => {
  test('completes with every step recorded, as one run (run id, search attributes, runs show)', async () => {
    const handle = await withEnv({ [PLAN_INLINE_MAX_BYTES_ENV]: '1000', [RUN_CONTINUE_AS_NEW_EVENTS_ENV]: '200' }, () =>
      t.stratum.start({ selection: 'group:chain' }),
    );
    const steps = CHAIN + 2;
    const error = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunFailedError);
    const result = (error as RunFailedError).result!;
    expect(result.runId).toBe(handle.plan.runId);
    expect(result.summary?.counts).toEqual({ succeeded: CHAIN, failed: 1, skipped: 1, canceled: 0 });
    expect(result.steps.map((s) => [s.key, s.status]).sort()).toEqual([
      ['large/after_bad', 'skipped'],
      ['large/bad', 'failed'],
    ]);

    // Several workflow runs, one workflow id.
    const executions: string[] = [];
    for await (const w of t.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) executions.push(w.runId);
    expect(executions.length).toBeGreaterThan(2);
    const description = await t.client.workflow.getHandle(handle.workflowId).describe();
    expect(description.searchAttributes?.StratumKind).toEqual(['run']);
    const sizes = await ioSizes(t.client, handle.workflowId);
    expect(sizes.input).toBeLessThan(2_048);
    expect(sizes.result).toBeLessThan(8_192);

    const recorded = await t.stratum.getRun(handle.plan.runId);
    expect(recorded?.status).toBe('failed');
    expect(recorded?.steps.map((s) => s.key)).toEqual(handle.plan.steps.map((s) => s.key));
    expect(recorded?.steps.filter((s) => s.status === 'succeeded')).toHaveLength(CHAIN);
    expect(await t.catalog.partitionStatus('large/after_bad', null)).toMatchObject({ status: 'failed' });

    const { code, stdout } = await runStratum(['runs', 'show', handle.plan.runId], {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      STRATUM_TASK_QUEUE: t.taskQueue,
      STRATUM_CATALOG: path.join(t.tmpDir, 'catalog.db'),
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`Run ${handle.plan.runId}  failed`);
    expect(stdout).toContain('large/c149');
    expect(stdout).toContain('large/after_bad');
    expect(steps).toBe(recorded?.steps.length);
  }, 180_000);
});

describe('a backfill child with a compact result', () => {
  test('tells the backfill which asset partitions succeeded, failed and were blocked', async () => {
    const backfill = await t.stratum.startBackfill({ selection: 'sr/a*', partitions: { from: '2021-01-01', to: '2025-02-08' } });
    const progress = await backfill.result();
    expect(progress).toMatchObject({ status: 'completed_with_failures', total: 3, done: 1, failed: 1, blocked: 1, runs: 1 });
    expect(progress.failedItems).toEqual(['sr/b[2021-01-01...2025-02-08]']);
    expect(progress.blockedItems).toEqual([{ item: 'sr/c[2021-01-01...2025-02-08]', blockedBy: 'sr/b[2021-01-01...2025-02-08]' }]);
    const children: string[] = [];
    for await (const w of t.client.workflow.list({ query: `StratumBackfillId = '${progress.backfillId}' AND StratumKind = 'run'` })) children.push(w.workflowId);
    expect(children).toHaveLength(1);
    // 1,500 materializations of sr/a would be ~330 KB of result: the failure's details are compact.
    const sizes = await ioSizes(t.client, children[0]!);
    expect(sizes.result).toBeLessThan(8_192);
    expect((await t.catalog.partitionStatus('sr/a', '2022-06-01'))?.status).toBe('materialized');
  }, 120_000);
});

describe('what cannot fit', () => {
  test('a step whose own config passes the limit is refused before anything starts, naming the limit', async () => {
    const blob = 'x'.repeat(600 * 1_024);
    const refusal = t.stratum.start({ selection: 'large/configured', config: { 'large/configured': { blob } } });
    await expect(refusal).rejects.toThrow(RequestOverLimitError);
    await expect(refusal).rejects.toThrow(/step large\/configured is [\d,]+ bytes of JSON.*limit\.blobSize\.error.*by reference/s);
    expect((await t.client.workflow.count(`TaskQueue = '${t.taskQueue}' AND WorkflowType = 'materialize' AND StratumAssetKeys = 'large/configured'`)).count).toBe(0);
  });
});
