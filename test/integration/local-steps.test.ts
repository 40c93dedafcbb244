/**
 * Steps as local activities (`executionMode: 'local'`, issue 13 item 5): a chain runs without a
 * task-queue round trip per step and keeps what a run must keep: retries with the step's policy,
 * one catalog row per asset partition, the run surviving its worker's death; settings local
 * activities cannot honour are refused before anything starts.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { connectClient } from '../../client/connection';
import { StratumClient } from '../../client/stratum-client';
import { asset, Definitions, InvalidDefinitionError, InvalidRunRequestError, LocalExecutionRefusedError, inMemoryIOManager, job, op, graph } from '../../sdk';
import { openCatalog } from '../../sdk/catalog';
import { createPlan } from '../../sdk/planning/planner';
import { exited, startWorkerProcess } from '../harness/cli-process';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { captureError, countWorkflows, waitFor } from '../harness/wait';

const EventType = temporal.api.enums.v1.EventType;

/** The run's history: how many steps ran as regular activities, how many local activity markers it holds. */
async function stepEvents(client: Client, workflowId: string): Promise<{ activities: number; markers: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    activities: events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length,
    markers: events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length,
  };
}

const attempts = new Map<string, number>();
const a = asset({ key: 'fast/a', group: 'fast' }, () => 1);
const b = asset({ key: 'fast/b', group: 'fast', deps: [a], retry: { maximumAttempts: 3, initialInterval: '50ms', backoffCoefficient: 1 } }, (_, ctx) => {
  attempts.set('fast/b', ctx.attempt);
  if (ctx.attempt === 1) throw new Error('flaky upstream on attempt 1');
  return 2;
});
const c = asset({ key: 'fast/c', group: 'fast', deps: [b] }, () => 3);
const long = asset({ key: 'slow/long', group: 'slow', timeout: '10m' }, () => 0);
const pinned = asset({ key: 'slow/pinned', group: 'slow', timeout: '10m', executionMode: 'activity' }, () => 0);
const one = op({ name: 'one' }, () => 1);
const fastJob = job({ name: 'fast_ops', graph: graph('fast_graph', (g) => void g.add(one)), executionMode: 'local' });
let waitingStarted = false;
const waiting = asset({ key: 'wait/forever', group: 'waiting', executionMode: 'local', timeout: '50s', retry: { maximumAttempts: 1 } }, (_, ctx) => {
  waitingStarted = true;
  return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
});
const defs = new Definitions({ assets: [a, b, c, long, pinned, waiting], jobs: [fastJob], ioManagers: { default: inMemoryIOManager() } });

describe('steps as local activities', () => {
  let s: TestStratum;
  beforeAll(async () => {
    s = await startTestStratum(defs, { prefix: 'local-steps' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  test('a chain in local mode retries a failing step, records every step in the catalog and schedules no activity', async () => {
    attempts.clear();
    const handle = await s.stratum.start({ selection: 'group:fast', executionMode: 'local' });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.steps.map((step) => [step.key, step.status])).toEqual([
      ['fast/a', 'succeeded'],
      ['fast/b', 'succeeded'],
      ['fast/c', 'succeeded'],
    ]);
    expect(result.steps.find((step) => step.key === 'fast/b')!.attempts).toBe(2);
    expect(attempts.get('fast/b')).toBe(2);
    const rows = await s.catalog.runMaterializations(result.runId);
    expect(rows.map((r) => [r.assetKey, r.attempt])).toEqual([
      ['fast/a', 1],
      ['fast/b', 2],
      ['fast/c', 1],
    ]);
    const run = await s.catalog.getRun(result.runId);
    expect(run?.status).toBe('succeeded');
    const { activities, markers } = await stepEvents(s.client, handle.workflowId);
    expect(activities).toBe(0);
    // startRun, finishRun and the three steps (the failed attempt is retried inside the same marker).
    expect(markers).toBeGreaterThanOrEqual(5);
  });

  test('the default mode still runs steps as regular activities; a job can default its runs to local', async () => {
    const plain = await s.stratum.plan({ selection: 'group:fast' });
    expect(plain.steps.map((step) => step.execution)).toEqual([undefined, undefined, undefined]);
    const handle = await s.stratum.start({ job: 'fast_ops' });
    expect((await handle.result()).status).toBe('succeeded');
    expect(await stepEvents(s.client, handle.workflowId)).toMatchObject({ activities: 0 });
  });

  test('a local step gets the local timeout; a step pinned to activity keeps its own in a local run', () => {
    const plan = createPlan(defs, { selection: 'slow/pinned, fast/a', executionMode: 'local' });
    expect(plan.steps.map((step) => [step.key, step.execution, step.timeoutMs])).toEqual([
      ['fast/a', 'local', 60_000],
      ['slow/pinned', undefined, 600_000],
    ]);
  });

  test('cancelling a run aborts its running local step and ends the run canceled', async () => {
    waitingStarted = false;
    const handle = await s.stratum.start({ selection: 'group:waiting' });
    await waitFor(() => waitingStarted, 30_000);
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    await waitFor(async () => (await s.catalog.getRun(handle.plan.runId))?.status === 'canceled', 30_000);
  });

  test('settings local activities cannot honour are refused before anything starts', async () => {
    const before = await countWorkflows(s.client, s.taskQueue);
    const refused = await s.stratum.materialize({ selection: 'group:slow', executionMode: 'local' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LocalExecutionRefusedError);
    expect((refused as Error).message).toContain('asset "slow/long"');
    expect((refused as Error).message).toContain("executionMode: 'activity'");
    expect((refused as Error).message).not.toContain('slow/pinned');
    expect(await countWorkflows(s.client, s.taskQueue)).toBe(before);

    const badMode = captureError(() => createPlan(defs, { selection: 'fast/a', executionMode: 'fast' as never }));
    expect(badMode).toBeInstanceOf(InvalidRunRequestError);
    expect(badMode.message).toContain("executionMode must be 'activity' or 'local'");

    const tooLong = captureError(() => new Definitions({ assets: [asset({ key: 'x', executionMode: 'local', timeout: '5m' }, () => 1)] }));
    expect(tooLong).toBeInstanceOf(InvalidDefinitionError);
    expect(tooLong.message).toContain('at most 1m');
    const heartbeat = captureError(() => new Definitions({ assets: [asset({ key: 'y', executionMode: 'local', heartbeatTimeout: '10s' }, () => 1)] }));
    expect(heartbeat).toBeInstanceOf(InvalidDefinitionError);
    expect(heartbeat.message).toContain('does not heartbeat');
  });
});

describe('a local-mode run whose worker is killed mid-step', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-local-steps-'));
  const defsPath = path.join(__dirname, '..', 'fixtures', 'local-steps-defs.ts');
  const workers: ChildProcess[] = [];
  afterAll(async () => {
    for (const w of workers) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGKILL');
        await exited(w);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('completes on the next worker: the interrupted local steps run again, the catalog has one row per asset partition', async () => {
    const taskQueue = uniqueTaskQueue('local-restart');
    const catalogPath = path.join(dir, 'catalog.db');
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: taskQueue,
      STRATUM_CATALOG: catalogPath,
      STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
      LOCAL_TEST_MARKER_DIR: dir,
      LOCAL_TEST_SLOW_MS: '3000',
    };
    const startWorker = async () => {
      const output: string[] = [];
      const worker = startWorkerProcess(defsPath, env, { output, args: ['--grace', '1s'] });
      workers.push(worker);
      await waitFor(() => output.join('').includes('Worker polling'), 120_000);
      return worker;
    };
    const started = () => (existsSync(path.join(dir, 'started.log')) ? readFileSync(path.join(dir, 'started.log'), 'utf8').trim().split('\n') : []);
    const ran = () => (existsSync(path.join(dir, 'ran.log')) ? readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n') : []);

    const first = await startWorker();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fixture = require(defsPath) as { default: Definitions };
    const catalog = await openCatalog(catalogPath);
    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    try {
      const stratum = new StratumClient(client, fixture.default, { taskQueue, catalog });
      const handle = await stratum.start({ selection: '*' });
      await waitFor(() => started().length === 1, 60_000);
      first.kill('SIGKILL');
      await exited(first);
      expect(ran()).toEqual(['local/first']);

      await startWorker();
      const result = await handle.result();
      expect(result.status).toBe('succeeded');
      // The dead worker had not reported its workflow task: the next one ran its local steps again.
      expect(started().length).toBe(2);
      expect(ran().filter((k) => k === 'local/first').length).toBe(2);
      expect(ran().slice(-2)).toEqual(['local/slow', 'local/last']);
      const rows = await catalog.runMaterializations(result.runId);
      expect(rows.map((r) => [r.assetKey, r.partitionKey])).toEqual([
        ['local/first', null],
        ['local/last', null],
        ['local/slow', null],
      ]);
      expect((await catalog.materializationHistory('local/first')).length).toBe(1);
      expect((await catalog.getRun(result.runId))?.status).toBe('succeeded');
    } finally {
      await connection.close();
      await catalog.close();
    }
  }, 300_000);
});
