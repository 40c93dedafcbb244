/**
 * Backfills on a real Temporal dev server with a real SQLite catalog: one `backfill` workflow per
 * backfill, child `materialize` runs of its asset partitions (per partition for these graphs), a bounded number in
 * flight, progress as a query, pause / resume / cancel as signals, continue-as-new in batches.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, InvalidRequestError, multiRunBackfill, NonRetryableError, PartitionKeyError, timeWindowMapping, UnknownSelectionError, type PartitionKeyRange } from '../sdk';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import type { BackfillProgress, BackfillRequest } from '../sdk/protocol/backfill';
import type { RunRecord } from '../sdk/catalog';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { countWorkflows, waitFor } from './harness/wait';

// ---------------------------------------------------------------------------------------------
// Definitions. The worker runs in this process, so assets record what they saw in these arrays.
// ---------------------------------------------------------------------------------------------

/** One execution of a step, as the asset function saw it. */
interface StepSeen {
  asset: string;
  partitionKey: string | null;
  runId: string;
  start: number;
  end: number;
}
const stepsSeen: StepSeen[] = [];

const daily = dailyPartitions({ start: '2024-01-01' });
const memory = inMemoryIOManager();

async function recordStep<T>(ctx: { assetKey: string | null; partitionKey: string | null; runId: string }, ms: number, value: T): Promise<T> {
  const start = Date.now();
  await sleep(ms);
  stepsSeen.push({ asset: ctx.assetKey ?? '?', partitionKey: ctx.partitionKey, runId: ctx.runId, start, end: Date.now() });
  return value;
}

// A two-asset daily graph with no-op-ish assets, used by most tests (each on its own date range).
const raw = asset({ key: 'main/raw', group: 'main', partitions: daily }, (_, ctx) => recordStep(ctx, 50 + Math.floor(Math.random() * 50), { day: ctx.partitionKey }));
const clean = asset({ key: 'main/clean', group: 'main', partitions: daily, ins: { raw } }, ({ raw }, ctx) =>
  recordStep(ctx, 50 + Math.floor(Math.random() * 50), { ...raw, clean: true }),
);

// Fails (without retries) for the partitions in `failingKeys`.
const failingKeys = new Set<string>();
const flakySource = asset({ key: 'flaky/source', group: 'flaky', partitions: daily }, (_, ctx) => ctx.partitionKey);
const flakyFails = asset({ key: 'flaky/fails', group: 'flaky', partitions: daily, ins: { flakySource } }, ({ flakySource }, ctx) => {
  if (failingKeys.has(ctx.partitionKey!)) throw new NonRetryableError(`upstream file for ${ctx.partitionKey} is corrupt`);
  return `${flakySource}!`;
});

// Fails the first child run of the partitions in `failOnceKeys` (a later run of them succeeds).
const failOnceKeys = new Set<string>();
const failOnce = asset({ key: 'retrying/once', group: 'retrying', partitions: daily, retry: { maximumAttempts: 1 } }, (_, ctx) => {
  if (failOnceKeys.delete(ctx.partitionKey!)) throw new Error(`transient outage for ${ctx.partitionKey}`);
  return ctx.partitionKey;
});

// Fast for the first days of October 2024, otherwise runs until cancelled (at most 20 s).
const slowStarted: string[] = [];
const abortsSeen: string[] = [];
const slow = asset({ key: 'cancel/slow', group: 'cancel', partitions: daily, heartbeatTimeout: '2s', retry: { maximumAttempts: 1 } }, async (_, ctx) => {
  if (ctx.partitionKey! <= '2024-10-03') return recordStep(ctx, 50, 'fast');
  slowStarted.push(ctx.partitionKey!);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    ctx.signal.addEventListener('abort', () => {
      abortsSeen.push(ctx.partitionKey!);
      clearTimeout(timer);
      resolve();
    });
  });
  return 'slow';
});

// Reads (as a dependency) its own previous day: a backfill must run the days in order.
const cumulativeSeen: { partitionKey: string; start: number; end: number; previousStatus: string | null }[] = [];
let catalogForAssets: TestStratum['catalog'] | null = null;
const cumulative = asset(
  {
    key: 'daily/cumulative',
    group: 'cumulative',
    partitions: daily,
    deps: [{ asset: 'daily/cumulative', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }],
  },
  async (_, ctx) => {
    const start = Date.now();
    const previous = previousDay(ctx.partitionKey!);
    const previousStatus = previous < '2024-01-01' ? 'n/a' : ((await catalogForAssets!.partitionStatus('daily/cumulative', previous))?.status ?? null);
    await sleep(60);
    cumulativeSeen.push({ partitionKey: ctx.partitionKey!, start, end: Date.now(), previousStatus });
    return ctx.partitionKey;
  },
);

// A self-dependent chain that fails on the days in `chainFailingDays`.
const chainFailingDays = new Set<string>();
const chain = asset(
  {
    key: 'chain/daily',
    group: 'chain',
    partitions: daily,
    retry: { maximumAttempts: 1 },
    deps: [{ asset: 'chain/daily', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }],
  },
  (_, ctx) => {
    if (chainFailingDays.has(ctx.partitionKey!)) throw new NonRetryableError(`ledger for ${ctx.partitionKey} does not balance`);
    return ctx.partitionKey;
  },
);

// Backfilled in runs of at most 7 days; records the range each run saw.
const chunksSeen: { range: PartitionKeyRange | null; keys: string[]; partitionKey: string | null }[] = [];
const chunked = asset({ key: 'policy/chunked', group: 'policy', partitions: daily, backfillPolicy: multiRunBackfill(7) }, async (_, ctx) => {
  chunksSeen.push({ range: ctx.partitionKeyRange ? { ...ctx.partitionKeyRange } : null, keys: [...ctx.partitionKeys], partitionKey: ctx.partitionKey });
  await sleep(30);
  return Object.fromEntries(ctx.partitionKeys.map((k) => [k, k.length]));
});

// Backfilled in runs of 3 days; a run fails when it covers a day in `failingChunkDays`.
const failingChunkDays = new Set<string>();
const flakyChunks = asset(
  { key: 'policy/flaky_chunks', group: 'policy_flaky', partitions: daily, backfillPolicy: multiRunBackfill(3), retry: { maximumAttempts: 1 } },
  (_, ctx) => {
    const bad = ctx.partitionKeys.filter((k) => failingChunkDays.has(k));
    if (bad.length > 0) throw new NonRetryableError(`no source data for ${bad.join(', ')}`);
    return ctx.partitionKeys.length;
  },
);

const unpartitioned = asset({ key: 'plain/unpartitioned', group: 'plain' }, () => 42);

const defs = new Definitions({
  assets: [raw, clean, flakySource, flakyFails, failOnce, slow, cumulative, chain, chunked, flakyChunks, unpartitioned],
  ioManagers: { default: memory },
});

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'backfill' });
  catalogForAssets = t.catalog;
});
afterAll(async () => {
  await t?.stop();
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('backfills on a real Temporal dev server', () => {
  test('bad requests are refused with a helpful message before anything starts', async () => {
    const before = await countWorkflows(t.client, t.taskQueue);
    const id = uniqueId('refused');
    const refuse = (request: Partial<BackfillRequest>) => t.stratum.startBackfill({ selection: 'group:main', partitions: { from: '2024-01-01', to: '2024-01-05' }, backfillId: id, ...request });

    // A key before the partitions' start, and one that is not a date.
    const unknownKey = await refuse({ partitions: { keys: ['2024-01-05', '2023-12-31'] } }).catch((e: unknown) => e);
    expect(unknownKey).toBeInstanceOf(PartitionKeyError);
    expect((unknownKey as Error).message).toContain('2023-12-31');
    expect((unknownKey as Error).message).toMatch(/2024-01-01/); // names the valid range
    const notADate = await refuse({ partitions: { keys: ['yesterday'] } }).catch((e: unknown) => e);
    expect(notADate).toBeInstanceOf(InvalidRequestError);
    expect((notADate as Error).message).toContain('yesterday');

    // `from` after `to`.
    const reversed = await refuse({ partitions: { from: '2024-02-10', to: '2024-02-01' } }).catch((e: unknown) => e);
    expect(reversed).toBeInstanceOf(InvalidRequestError);
    expect((reversed as Error).message).toContain('2024-02-10');
    expect((reversed as Error).message).toMatch(/after|before|revers/i);

    // An unknown asset, with a suggestion.
    const unknownSelection = await refuse({ selection: 'main/rwa' }).catch((e: unknown) => e);
    expect(unknownSelection).toBeInstanceOf(UnknownSelectionError);
    expect((unknownSelection as Error).message).toContain('main/raw');

    // More in flight than the documented maximum (1,000).
    const tooMany = await refuse({ maxConcurrent: 1_001 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(InvalidRequestError);
    expect((tooMany as Error).message).toMatch(/maxConcurrent|1,?000/);

    await expect(t.client.workflow.getHandle(`stratum/backfill/${id}`).describe()).rejects.toThrow(WorkflowNotFoundError);
    await sleep(1_000); // visibility is eventually consistent: give a wrongly started workflow time to show up
    expect(await countWorkflows(t.client, t.taskQueue)).toBe(before);
    expect(await t.catalog.listRuns({ backfillId: id })).toHaveLength(0);
  });

  test('100 partitions with maxConcurrent 4: every partition materialized once, never more than 4 in flight', async () => {
    const days = dayRange('2024-01-01', '2024-04-09');
    expect(days).toHaveLength(100);
    const handle = await t.stratum.startBackfill({ selection: 'group:main', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 4, backfillId: uniqueId('cap') });
    expect(handle.workflowId).toBe(`stratum/backfill/${handle.backfillId}`);
    expect(handle.total).toBe(100);

    // The backfill workflow is findable in the Temporal UI.
    const description = await t.client.workflow.getHandle(handle.workflowId).describe();
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.backfillId)).toBe(handle.backfillId);

    // While it runs, the progress query never reports more than 4 running.
    const polled: BackfillProgress[] = [];
    const resultPromise = handle.result();
    let finished = false;
    void resultPromise.finally(() => (finished = true)).catch(() => undefined);
    while (!finished) {
      polled.push(await handle.progress());
      await sleep(100);
    }
    const result = await resultPromise;
    // Counts are asset partitions: 100 days of two assets, in 100 child runs.
    expect(handle.assetPartitions).toBe(200);
    expect(result).toMatchObject({ backfillId: handle.backfillId, status: 'completed', unit: 'asset partition', total: 200, done: 200, failed: 0, blocked: 0, running: 0, remaining: 0, runs: 100, failedItems: [] });
    expect(Math.max(...polled.map((p) => p.running))).toBeLessThanOrEqual(8); // 4 runs of 2 asset partitions

    // One child run per partition, each recorded with the backfill id.
    const runs = await backfillRuns(handle.backfillId);
    expect(runs).toHaveLength(100);
    expect(runs.map((r) => r.partitionKey).sort()).toEqual(days);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    expect(runs.every((r) => r.workflowId === `stratum/backfill/${handle.backfillId}/${r.partitionKey}`)).toBe(true);
    // A child run is findable in the Temporal UI by backfill id and partition.
    const child = await t.client.workflow.getHandle(`stratum/backfill/${handle.backfillId}/2024-02-29`).describe();
    expect(child.typedSearchAttributes.get(StratumSearchAttributes.backfillId)).toBe(handle.backfillId);
    expect(child.typedSearchAttributes.get(StratumSearchAttributes.partition)).toBe('2024-02-29');

    // Exactly one materialization per partition per asset, by this backfill's runs.
    const runIds = new Set(runs.map((r) => r.runId));
    for (const key of ['main/raw', 'main/clean']) {
      const counts = await materializationCounts(key, days);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const rows = (await t.catalog.materializationHistory(key, { limit: 10_000 })).filter((m) => days.includes(m.partitionKey!));
      expect(rows.every((m) => runIds.has(m.runId))).toBe(true);
      const statuses = await t.catalog.partitionStatuses(key, days);
      expect(days.filter((d) => statuses.get(d)?.status !== 'materialized')).toEqual([]);
    }

    // The cap holds, measured from the catalog's run times and from the steps' own timestamps.
    const fromCatalog = maxOverlap(runs.map((r) => ({ start: r.startedAt, end: r.endedAt! })));
    const fromSteps = maxOverlap(stepsSeen.filter((s) => runIds.has(s.runId)));
    expect(fromCatalog).toBeLessThanOrEqual(4);
    expect(fromCatalog).toBeGreaterThan(1);
    expect(fromSteps).toBeLessThanOrEqual(4);
    expect(fromSteps).toBeGreaterThan(1);
  });

  test('failed partitions are reported; `only: failed` reruns just those', async () => {
    const days = dayRange('2024-05-01', '2024-05-20');
    const broken = ['2024-05-03', '2024-05-07', '2024-05-15'];
    broken.forEach((k) => failingKeys.add(k));
    const first = await t.stratum.startBackfill({ selection: 'group:flaky', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 5, backfillId: uniqueId('fail') });
    const result = await first.result();
    expect(result.status).toBe('completed_with_failures');
    expect(result.failed).toBe(3);
    expect([...result.failedItems].sort()).toEqual(broken.map((d) => `flaky/fails[${d}]`));
    expect(result.done).toBe(37);
    expect(result).toMatchObject({ total: 40, blocked: 0, running: 0, remaining: 0 });
    const statuses = await t.catalog.partitionStatuses('flaky/fails', days);
    expect(days.filter((d) => statuses.get(d)?.status === 'failed')).toEqual(broken);
    expect(statuses.get('2024-05-03')!.error).toContain('corrupt');
    const firstRuns = await backfillRuns(first.backfillId);
    expect(firstRuns.filter((r) => r.status === 'failed').map((r) => r.partitionKey).sort()).toEqual(broken);

    // Fix the cause, then rerun only the failed partitions of the same range.
    failingKeys.clear();
    const second = await t.stratum.startBackfill({ selection: 'group:flaky', partitions: { from: days[0]!, to: days.at(-1)! }, only: 'failed', maxConcurrent: 5, backfillId: uniqueId('refail') });
    expect(second.total).toBe(3);
    const retried = await second.result();
    expect(retried).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0, failedItems: [] });
    const secondRuns = await backfillRuns(second.backfillId);
    expect(secondRuns.map((r) => r.partitionKey).sort()).toEqual(broken);
    const after = await t.catalog.partitionStatuses('flaky/fails', days);
    expect(days.filter((d) => after.get(d)?.status !== 'materialized')).toEqual([]);
    const counts = await materializationCounts('flaky/fails', days);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  });

  test('partitionRetries starts a failed partition run again before counting it as failed', async () => {
    const days = dayRange('2024-11-01', '2024-11-06');
    ['2024-11-02', '2024-11-05'].forEach((k) => failOnceKeys.add(k));
    const handle = await t.stratum.startBackfill({ selection: 'retrying/once', partitions: { from: days[0]!, to: days.at(-1)! }, partitionRetries: 1, backfillId: uniqueId('retries') });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 6, done: 6, failed: 0, failedItems: [] });
    const runs = await backfillRuns(handle.backfillId);
    expect(runs.filter((r) => r.status === 'failed').map((r) => r.partitionKey).sort()).toEqual(['2024-11-02', '2024-11-05']);
    expect(runs.filter((r) => r.status === 'succeeded').map((r) => r.partitionKey).sort()).toEqual(days);
    const statuses = await t.catalog.partitionStatuses('retrying/once', days);
    expect(days.filter((d) => statuses.get(d)?.status !== 'materialized')).toEqual([]);
  });

  test('`only: missing` skips partitions already materialized', async () => {
    const days = dayRange('2024-06-01', '2024-06-10');
    const already = ['2024-06-02', '2024-06-05'];
    for (const partitionKey of already) {
      const run = await t.stratum.materialize({ selection: 'group:main', partitionKey });
      expect(run.status).toBe('succeeded');
    }
    const handle = await t.stratum.startBackfill({ selection: 'group:main', partitions: { from: days[0]!, to: days.at(-1)! }, only: 'missing', backfillId: uniqueId('missing') });
    expect(handle.total).toBe(8);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 16, done: 16, failed: 0, skipped: 4 });
    const runs = await backfillRuns(handle.backfillId);
    expect(runs.map((r) => r.partitionKey).sort()).toEqual(days.filter((d) => !already.includes(d)));
    for (const key of ['main/raw', 'main/clean']) {
      const counts = await materializationCounts(key, days);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    }
  });

  test('cancel: running children are cancelled and nothing new starts', async () => {
    const days = dayRange('2024-10-01', '2024-10-20');
    const handle = await t.stratum.startBackfill({ selection: 'group:cancel', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 3, backfillId: uniqueId('cancel') });
    // The first three days are quick; the next three then block until cancelled.
    await waitFor(async () => {
      const p = await handle.progress();
      return p.done >= 3 && p.running === 3;
    });
    await waitFor(async () => (await backfillRuns(handle.backfillId)).filter((r) => r.status === 'started').length === 3 && slowStarted.length === 3);
    const inFlight = (await backfillRuns(handle.backfillId)).filter((r) => r.status === 'started');
    const progress = await handle.progress();
    expect(progress.status).toBe('running');
    expect(progress.running).toBe(3);

    await handle.cancel();
    const result = await handle.result();
    expect(result.status).toBe('canceled');
    expect(result.done).toBeLessThan(20);

    // No new child run starts after the cancel.
    const runsAtEnd = await backfillRuns(handle.backfillId);
    await sleep(1_500);
    const runsLater = await backfillRuns(handle.backfillId);
    expect(runsLater.length).toBe(runsAtEnd.length);
    expect(runsLater.length).toBe(6);

    // The runs that were in flight end canceled: their steps saw the abort, their workflows closed.
    await waitFor(async () => {
      const runs = await backfillRuns(handle.backfillId);
      return inFlight.every((r) => runs.find((x) => x.runId === r.runId)?.status === 'canceled');
    });
    expect([...abortsSeen].sort()).toEqual(inFlight.map((r) => r.partitionKey).sort());
    for (const run of runsLater) {
      const description = await t.client.workflow.getHandle(run.workflowId).describe();
      expect(description.status.name).not.toBe('RUNNING');
    }
    const final = await handle.progress().catch(() => null); // a closed workflow may still answer queries
    if (final) expect(final.running).toBe(0);
  });

  test('pause stops starting children; resume finishes the backfill', async () => {
    const days = dayRange('2024-09-01', '2024-09-30');
    const handle = await t.stratum.startBackfill({ selection: 'group:main', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 2, backfillId: uniqueId('pause') });
    await waitFor(async () => (await handle.progress()).done >= 3);
    await handle.pause();
    await waitFor(async () => (await handle.progress()).running === 0);
    const paused = await handle.progress();
    expect(paused.status).toBe('paused');
    expect(paused.done).toBeLessThan(30);
    const runsWhilePaused = (await backfillRuns(handle.backfillId)).length;
    await sleep(1_000);
    const stillPaused = await handle.progress();
    expect(stillPaused.done).toBe(paused.done);
    expect(stillPaused.running).toBe(0);
    expect(stillPaused.status).toBe('paused');
    expect((await backfillRuns(handle.backfillId)).length).toBe(runsWhilePaused);

    await handle.resume();
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 60, done: 60, failed: 0 });
    const runs = await backfillRuns(handle.backfillId);
    expect(runs.map((r) => r.partitionKey).sort()).toEqual(days);
  });

  test('continue-as-new in batches keeps every partition exactly once', async () => {
    const days = dayRange('2024-07-01', '2024-08-04');
    expect(days).toHaveLength(35);
    const handle = await t.stratum.startBackfill({
      selection: 'group:main',
      partitions: { from: days[0]!, to: days.at(-1)! },
      maxConcurrent: 4,
      childrenPerWorkflowRun: 10,
      backfillId: uniqueId('can'),
    });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 70, done: 70, failed: 0, remaining: 0 });
    expect(result.workflowRuns).toBeGreaterThanOrEqual(3);
    const runs = await backfillRuns(handle.backfillId);
    expect(runs).toHaveLength(35);
    expect(runs.map((r) => r.partitionKey).sort()).toEqual(days);
    for (const key of ['main/raw', 'main/clean']) {
      const counts = await materializationCounts(key, days);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    }
    // A handle made from the id alone sees the same, final state.
    const again = await t.stratum.backfill(handle.backfillId).result();
    expect(again).toMatchObject({ status: 'completed', done: 70 });
  });

  test('a self-dependent asset is backfilled day after day even with maxConcurrent 8', async () => {
    const days = dayRange('2024-01-01', '2024-01-10');
    const handle = await t.stratum.startBackfill({ selection: 'daily/cumulative', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 8, backfillId: uniqueId('selfdep') });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 10, done: 10, failed: 0 });
    const runs = (await backfillRuns(handle.backfillId)).sort((a, b) => a.partitionKey!.localeCompare(b.partitionKey!));
    expect(runs.map((r) => r.partitionKey)).toEqual(days);
    for (let i = 1; i < runs.length; i++) {
      expect({ day: runs[i]!.partitionKey, startedAfterPreviousEnded: runs[i]!.startedAt >= runs[i - 1]!.endedAt! }).toEqual({
        day: runs[i]!.partitionKey,
        startedAfterPreviousEnded: true,
      });
    }
    // Each day's function ran after the previous day was materialized.
    expect(cumulativeSeen.map((s) => [s.partitionKey, s.previousStatus])).toEqual(days.map((d, i) => [d, i === 0 ? 'n/a' : 'materialized']));
  });

  test('when a day of a self-dependent asset fails, later days are not run; `only: failed` then finishes the chain', async () => {
    const days = dayRange('2024-01-01', '2024-01-08');
    chainFailingDays.add('2024-01-04');
    const first = await t.stratum.startBackfill({ selection: 'chain/daily', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 8, backfillId: uniqueId('chain') });
    const result = await first.result();
    expect(result.status).toBe('completed_with_failures');
    expect(result.done).toBe(3);
    // The failed day is failed; the days after it are blocked by it (not failed).
    expect(result.failedItems).toEqual(['chain/daily[2024-01-04]']);
    expect(result.blocked).toBe(4);
    expect(result.blockedItems).toEqual(days.slice(4).map((d) => ({ item: `chain/daily[${d}]`, blockedBy: 'chain/daily[2024-01-04]' })));
    // Only the day that failed ran; the days after it never started.
    const firstRuns = await backfillRuns(first.backfillId);
    expect(firstRuns.map((r) => `${r.partitionKey} ${r.status}`).sort()).toEqual([...days.slice(0, 3).map((d) => `${d} succeeded`), '2024-01-04 failed']);

    chainFailingDays.clear();
    const second = await t.stratum.startBackfill({ selection: 'chain/daily', partitions: { from: days[0]!, to: days.at(-1)! }, only: 'failed', maxConcurrent: 8, backfillId: uniqueId('chainfix') });
    const retried = await second.result();
    expect(retried).toMatchObject({ status: 'completed', failed: 0 });
    const statuses = await t.catalog.partitionStatuses('chain/daily', days);
    expect(days.map((d) => [d, statuses.get(d)?.status ?? 'never'])).toEqual(days.map((d) => [d, 'materialized']));
  });

  test('a multi-run backfill policy groups 30 days into 5 range runs', async () => {
    const days = dayRange('2024-02-01', '2024-03-01');
    expect(days).toHaveLength(30);
    const handle = await t.stratum.startBackfill({ selection: 'policy/chunked', partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 8, backfillId: uniqueId('policy') });
    expect(handle.total).toBe(5);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', total: 5, done: 5, failed: 0 });

    const expected = [
      { from: '2024-02-01', to: '2024-02-07' },
      { from: '2024-02-08', to: '2024-02-14' },
      { from: '2024-02-15', to: '2024-02-21' },
      { from: '2024-02-22', to: '2024-02-28' },
      { from: '2024-02-29', to: '2024-03-01' },
    ];
    const seen = [...chunksSeen].sort((a, b) => (a.range?.from ?? '').localeCompare(b.range?.from ?? ''));
    expect(seen.map((s) => s.range)).toEqual(expected);
    expect(seen.map((s) => s.keys)).toEqual(expected.map((r) => dayRange(r.from, r.to)));
    expect(seen.every((s) => s.partitionKey === null)).toBe(true);

    const runs = await backfillRuns(handle.backfillId);
    expect(runs).toHaveLength(5);
    expect(runs.map((r) => r.partitionRange).sort((a, b) => a!.from.localeCompare(b!.from))).toEqual(expected);
    expect(runs.map((r) => r.workflowId).sort()).toEqual(expected.map((r) => `stratum/backfill/${handle.backfillId}/${r.from}...${r.to}`).sort());
    const statuses = await t.catalog.partitionStatuses('policy/chunked', days);
    expect(days.filter((d) => statuses.get(d)?.status !== 'materialized')).toEqual([]);
    const counts = await materializationCounts('policy/chunked', days);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  });

  test('a failed range run marks its days failed, and `only: failed` runs that range again', async () => {
    const days = dayRange('2024-12-01', '2024-12-09');
    const badChunk = dayRange('2024-12-04', '2024-12-06');
    failingChunkDays.add('2024-12-05');
    const first = await t.stratum.startBackfill({ selection: 'policy/flaky_chunks', partitions: { from: days[0]!, to: days.at(-1)! }, backfillId: uniqueId('chunkfail') });
    expect(first.total).toBe(3);
    const result = await first.result();
    expect(result).toMatchObject({ status: 'completed_with_failures', total: 3, done: 2, failed: 1, failedItems: ['policy/flaky_chunks[2024-12-04...2024-12-06]'] });
    // What `stratum partitions` shows: the days of the failed run are failed, the others materialized.
    const statuses = await t.catalog.partitionStatuses('policy/flaky_chunks', days);
    expect(days.map((d) => [d, statuses.get(d)?.status ?? 'never'])).toEqual(days.map((d) => [d, badChunk.includes(d) ? 'failed' : 'materialized']));

    failingChunkDays.clear();
    const second = await t.stratum.startBackfill({ selection: 'policy/flaky_chunks', partitions: { from: days[0]!, to: days.at(-1)! }, only: 'failed', backfillId: uniqueId('chunkrefail') });
    expect(second.total).toBe(1);
    expect(await second.result()).toMatchObject({ status: 'completed', total: 1, done: 1, failed: 0 });
    expect((await backfillRuns(second.backfillId)).map((r) => r.partitionRange)).toEqual([{ from: '2024-12-04', to: '2024-12-06' }]);
    const after = await t.catalog.partitionStatuses('policy/flaky_chunks', days);
    expect(days.filter((d) => after.get(d)?.status !== 'materialized')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

let idCounter = 0;
function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter}`;
}

/** Every child run of a backfill the catalog knows. */
async function backfillRuns(backfillId: string): Promise<RunRecord[]> {
  return t.catalog.listRuns({ backfillId, limit: 10_000 });
}

/** Materializations per partition key of `assetKey`, for each of `keys` (0 when none). */
async function materializationCounts(assetKey: string, keys: string[]): Promise<Map<string, number>> {
  const counts = new Map(keys.map((k) => [k, 0]));
  for (const m of await t.catalog.materializationHistory(assetKey, { limit: 100_000 })) {
    if (m.partitionKey !== null && counts.has(m.partitionKey)) counts.set(m.partitionKey, counts.get(m.partitionKey)! + 1);
  }
  return counts;
}

/** The most intervals open at one instant (an interval ending when another starts does not overlap it). */
function maxOverlap(intervals: { start: number; end: number }[]): number {
  const events = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let max = 0;
  for (const e of events) {
    open += e.delta;
    max = Math.max(max, open);
  }
  return max;
}

/** Daily keys from `from` to `to`, inclusive. */
function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

function previousDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

