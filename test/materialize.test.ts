import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { RunFailedError } from '../client/stratum-client';
import { asset, ConfigValidationError, Definitions, graph, graphAsset, inMemoryIOManager, job, multiAsset, NonRetryableError, op, resource, type IOManager } from '../sdk';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { countWorkflows, waitFor } from './harness/wait';

// Shared state the assets below use to behave differently per test.
const attemptsSeen = new Map<string, number>();
let cancelledSignalSeen = false;
let flakyStoreFailures = 0;

const memory = inMemoryIOManager();
/** An IO manager that fails the first store of asset `flaky_b`, after `flaky_a` was stored by the same step. */
const flakyIO: IOManager = {
  async store(slot, value) {
    if (slot.assetKey === 'flaky_b' && flakyStoreFailures === 0) {
      flakyStoreFailures += 1;
      throw new Error('disk full (first attempt only)');
    }
    return memory.store(slot, value);
  },
  load: (slot) => memory.load(slot),
  has: (slot) => memory.has(slot),
};

const counter = resource({ config: z.object({ start: z.number().default(100) }), build: (c) => ({ value: c.start }) });

const root = asset({ key: 'root', group: 'branches' }, () => ({ n: 1 }));
const left = asset({ key: 'branch/left', group: 'branches', ins: { root } }, async ({ root }) => {
  await sleep(700);
  return root.n + 1;
});
const right = asset({ key: 'branch/right', group: 'branches', ins: { root } }, async ({ root }) => {
  await sleep(700);
  return root.n + 2;
});
const joined = asset({ key: 'branch/joined', group: 'branches', ins: { left, right } }, ({ left, right }) => left + right);

const source = asset({ key: 'fail/source', group: 'failing' }, () => [1, 2, 3]);
const broken = asset({ key: 'fail/broken', group: 'failing', ins: { source }, retry: { maximumAttempts: 1 } }, () => {
  throw new Error('upstream API returned 500');
});
const afterBroken = asset({ key: 'fail/after_broken', group: 'failing', ins: { broken } }, ({ broken }) => broken);
const independent = asset({ key: 'fail/independent', group: 'failing', ins: { source } }, async ({ source }) => {
  await sleep(300);
  return source.length;
});

const flaky = asset(
  { key: 'retry/flaky', retry: { maximumAttempts: 4, initialInterval: '100ms', backoffCoefficient: 1 }, resources: { counter } },
  (_, ctx) => {
    attemptsSeen.set('retry/flaky', ctx.attempt);
    if (ctx.attempt < 3) throw new Error(`transient failure on attempt ${ctx.attempt}`);
    ctx.log.info('succeeded after retries', { attempt: ctx.attempt });
    ctx.addOutputMetadata({ attempt: ctx.attempt });
    return ctx.resources.counter.value + ctx.attempt;
  },
);
const fatal = asset({ key: 'retry/fatal', retry: { maximumAttempts: 5, initialInterval: '100ms' } }, (_, ctx) => {
  attemptsSeen.set('retry/fatal', ctx.attempt);
  throw new NonRetryableError('bad credentials');
});

const pair = multiAsset(
  { name: 'pair', outs: { a: { key: 'flaky_a', ioManager: 'flaky' }, b: { key: 'flaky_b', ioManager: 'flaky' } }, retry: { maximumAttempts: 3, initialInterval: '100ms' } },
  () => ({ a: 'A', b: 'B' }),
);

const configured = asset({ key: 'configured', config: z.object({ limit: z.number().int().positive() }) }, (_, ctx) => ctx.config.limit);
const typedOutput = asset({ key: 'typed_output', output: z.array(z.number()), retry: { maximumAttempts: 3 } }, () => ['not', 'numbers'] as unknown as number[]);

const waiting = asset({ key: 'slow/waiting', heartbeatTimeout: '2s' }, async (_, ctx) => {
  await new Promise<void>((resolve) => {
    ctx.signal.addEventListener('abort', () => {
      cancelledSignalSeen = true;
      resolve();
    });
  });
  return 'never';
});

const numbers = op({ name: 'numbers', config: z.object({ count: z.number().int().default(3) }) }, (_, ctx) => Array.from({ length: ctx.config.count }, (_, i) => i + 1));
const total = op({ name: 'total', ins: { values: z.array(z.number()) } }, ({ values }) => values.reduce((a, b) => a + b, 0));
const sumGraph = graph('sums', (g) => {
  g.add(total, { values: g.add(numbers) });
});
const doubled = op({ name: 'doubled', ins: { values: z.array(z.number()) } }, ({ values }) => values.map((v) => v * 2));
const doubledSource = graphAsset({ key: 'graph/doubled', ins: { source } }, (g, { source }) => g.add(doubled, { values: source }));

const defs = new Definitions({
  assets: [root, left, right, joined, source, broken, afterBroken, independent, flaky, fatal, pair, configured, typedOutput, waiting, doubledSource],
  jobs: [job({ name: 'sum_job', graph: sumGraph, config: { numbers: { count: 4 } } })],
  resources: { counter },
  ioManagers: { default: memory, flaky: flakyIO },
});

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'materialize' });
});
afterAll(async () => {
  await t?.stop();
});

describe('materialize on a real Temporal dev server', () => {
  test('independent branches overlap in time and the join waits for both', async () => {
    const result = await t.stratum.materialize({ selection: 'group:branches' });
    expect(result.status).toBe('succeeded');
    const step = (key: string) => result.steps.find((s) => s.key === key)!;
    const l = step('branch/left');
    const r = step('branch/right');
    expect(l.startedAt!).toBeLessThan(r.endedAt!);
    expect(r.startedAt!).toBeLessThan(l.endedAt!);
    expect(step('branch/joined').startedAt!).toBeGreaterThanOrEqual(Math.max(l.endedAt!, r.endedAt!));
    expect(memory.values.get('assets/branch/joined/__all__')).toBe(5);
  });

  test('a failed step skips its downstream, independent steps finish, the run fails at the end', async () => {
    const error = await t.stratum.materialize({ selection: 'group:failing' }).catch((e) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    const result = (error as RunFailedError).result!;
    const status = Object.fromEntries(result.steps.map((s) => [s.key, s.status]));
    expect(status).toEqual({ 'fail/source': 'succeeded', 'fail/broken': 'failed', 'fail/after_broken': 'skipped', 'fail/independent': 'succeeded' });
    expect(result.steps.find((s) => s.key === 'fail/broken')!.error).toContain('upstream API returned 500');
    expect(error.message).toContain('fail/broken');
    const run = await t.catalog.getRun(result.runId);
    expect(run!.status).toBe('failed');
    expect(run!.steps.find((s) => s.key === 'fail/after_broken')!.status).toBe('skipped');
  });

  test('a step is retried per its policy and succeeds; the catalog keeps one row', async () => {
    const result = await t.stratum.materialize({ selection: 'retry/flaky' });
    expect(result.status).toBe('succeeded');
    expect(attemptsSeen.get('retry/flaky')).toBe(3);
    expect(result.steps[0]!.attempts).toBe(3);
    expect(result.steps[0]!.materializations[0]!.metadata).toEqual({ attempt: 3 });
    const history = await t.catalog.materializationHistory('retry/flaky');
    expect(history.filter((m) => m.runId === result.runId)).toHaveLength(1);
    const logs = await t.catalog.runLogs(result.runId);
    expect(logs.map((l) => l.message)).toEqual(expect.arrayContaining(['succeeded after retries']));
  });

  test('NonRetryableError fails the step at once', async () => {
    const error = await t.stratum.materialize({ selection: 'retry/fatal' }).catch((e) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(attemptsSeen.get('retry/fatal')).toBe(1);
    expect((error as RunFailedError).result!.steps[0]!.error).toContain('bad credentials');
  });

  test('a step retried after a partial write leaves exactly one catalog row per materialization', async () => {
    const result = await t.stratum.materialize({ selection: 'flaky_a' });
    expect(result.status).toBe('succeeded');
    expect(flakyStoreFailures).toBe(1);
    expect(result.steps[0]!.attempts).toBe(2);
    for (const key of ['flaky_a', 'flaky_b']) {
      const rows = (await t.catalog.materializationHistory(key)).filter((m) => m.runId === result.runId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.attempt).toBe(2);
    }
  });

  test('invalid config is refused before any workflow starts', async () => {
    const before = await countWorkflows(t.client, t.taskQueue);
    await expect(t.stratum.start({ selection: 'configured', config: { configured: { limit: 'ten' } } })).rejects.toThrow(ConfigValidationError);
    await expect(t.stratum.start({ selection: 'configured' })).rejects.toThrow(/configured\.limit|configured/);
    expect(await countWorkflows(t.client, t.taskQueue)).toBe(before);
    const ok = await t.stratum.materialize({ selection: 'configured', config: { configured: { limit: 7 } } });
    expect(ok.steps[0]!.status).toBe('succeeded');
  });

  test('an output failing its schema fails the step without retries', async () => {
    const error = await t.stratum.materialize({ selection: 'typed_output' }).catch((e) => e);
    const step = (error as RunFailedError).result!.steps[0]!;
    expect(step.error).toContain('OutputValidationError');
    expect(step.error).toMatch(/fails its schema/);
  });

  test('a plan naming a step the worker does not know fails at once with a clear error', async () => {
    const plan = await t.stratum.plan({ selection: 'root' });
    plan.steps.push({ ...plan.steps[0]!, key: 'ghost/asset', dependsOn: [] });
    const started = Date.now();
    const error = await (await t.stratum.startPlan(plan)).result().catch((e) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.message).toMatch(/does not know step "ghost\/asset"/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('cancelling a run cancels its running step', async () => {
    const run = await t.stratum.start({ selection: 'slow/waiting' });
    await waitFor(async () => (await t.catalog.getRun(run.plan.runId)) !== null);
    await sleep(1_000);
    await run.handle.cancel();
    await expect(run.result()).rejects.toThrow();
    await waitFor(async () => cancelledSignalSeen);
    await waitFor(async () => (await t.catalog.getRun(run.plan.runId))?.status === 'canceled');
  });

  test('an op job composes ops by data dependencies with job config', async () => {
    const result = await t.stratum.materialize({ job: 'sum_job' });
    expect(result.steps.map((s) => [s.key, s.status])).toEqual([
      ['sum_job.numbers', 'succeeded'],
      ['sum_job.total', 'succeeded'],
    ]);
    expect(memory.values.get(`runs/${result.runId}/sum_job.total/result`)).toBe(10);
  });

  test('a graph-backed asset runs each op as its own step', async () => {
    const result = await t.stratum.materialize({ selection: '+graph/doubled' });
    expect(result.steps.map((s) => s.key)).toEqual(['fail/source', 'graph/doubled.doubled']);
    expect(memory.values.get('assets/graph/doubled/__all__')).toEqual([2, 4, 6]);
  });

  test('runs carry search attributes and a summary for the Temporal UI', async () => {
    const run = await t.stratum.start({ selection: 'root' });
    await run.result();
    expect(run.workflowId).toBe(`stratum/run/root/${run.plan.runId}`);
    const description = await run.handle.describe();
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.assetKeys)).toEqual(['root']);
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.kind)).toBe('run');
    expect(await description.staticSummary()).toBe('Materialize root');
    await waitFor(async () => {
      for await (const w of t.client.workflow.list({ query: `StratumAssetKeys = 'root' AND TaskQueue = '${t.taskQueue}'` })) {
        if (w.workflowId === run.workflowId) return true;
      }
      return false;
    });
  });
});

