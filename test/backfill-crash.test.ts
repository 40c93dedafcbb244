/**
 * A worker process killed in the middle of a backfill: a new worker picks the backfill up where it
 * was, and the catalog ends with exactly one materialization per partition per asset, each made by
 * the partition's one child run.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { connectClient } from '../client/connection';
import { loadDefinitions } from '../cli/load-definitions';
import { StratumClient } from '../client/stratum-client';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';
import { exited, startWorkerProcess } from './harness/cli-process';
import { waitFor } from './harness/wait';

const defsPath = path.join(__dirname, 'fixtures', 'backfill-crash-defs.ts');
const assetKeys = ['bfcrash/events', 'bfcrash/summary'];

/** Lines `<asset> <partition> <attempt> <pid>` the fixture's steps wrote. */
function stepsLogged(file: string): { asset: string; partitionKey: string; attempt: number; pid: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [asset, partitionKey, attempt, pid] = l.split(' ');
      return { asset: asset!, partitionKey: partitionKey!, attempt: Number(attempt), pid: Number(pid) };
    });
}

function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

describe('a worker killed in the middle of a backfill', () => {
  let catalog: Catalog | undefined;
  let connection: Connection | undefined;
  let dir: string | undefined;
  const workers: ChildProcess[] = [];
  const output: string[] = [];

  afterAll(async () => {
    for (const w of workers) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGKILL');
        await exited(w);
      }
    }
    await connection?.close();
    await catalog?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL after ~5 partitions: a new worker completes it, one materialization per partition per asset', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stratum-backfill-crash-'));
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: uniqueTaskQueue('backfill-crash'),
      STRATUM_CATALOG: path.join(dir, 'catalog.db'),
      STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
      BACKFILL_CRASH_MARKER_DIR: dir,
    };
    const stepsLog = path.join(dir, 'steps.log');
    catalog = await openCatalog(env.STRATUM_CATALOG);
    const definitions = loadDefinitions(defsPath);
    const connected = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    connection = connected.connection;
    const stratum = new StratumClient(connected.client, definitions, { taskQueue: env.STRATUM_TASK_QUEUE, catalog });

    const firstWorker = startWorkerProcess(defsPath, env, { output: output, args: ['--grace', '1s'] });
    workers.push(firstWorker);
    const days = dayRange('2024-03-01', '2024-03-30');
    const backfill = await stratum.startBackfill({
      selection: '*',
      partitions: { from: days[0]!, to: days.at(-1)! },
      maxConcurrent: 4,
      backfillId: `crash-${Date.now().toString(36)}`,
    });
    expect(backfill.total).toBe(30);

    // Kill the worker once about 5 partitions are fully materialized (their last asset logged).
    const deadline = Date.now() + 90_000;
    while (stepsLogged(stepsLog).filter((s) => s.asset === 'bfcrash/summary').length < 5 && Date.now() < deadline) {
      if (firstWorker.exitCode !== null) throw new Error(`The first worker exited on its own (code ${firstWorker.exitCode}):\n${output.join('')}`);
      await sleep(50);
    }
    expect(stepsLogged(stepsLog).filter((s) => s.asset === 'bfcrash/summary').length).toBeGreaterThanOrEqual(5);
    // Child runs are in flight when the worker dies.
    const inFlight = async () => (await catalog!.listRuns({ backfillId: backfill.backfillId, limit: 1_000 })).filter((r) => r.status === 'started').length;
    await waitFor(async () => (await inFlight()) > 0, 10_000, 20);
    firstWorker.kill('SIGKILL');
    await exited(firstWorker);
    const doneAtKill = new Set(stepsLogged(stepsLog).filter((s) => s.asset === 'bfcrash/summary').map((s) => s.partitionKey));
    expect(doneAtKill.size).toBeLessThan(30);

    const secondWorker = startWorkerProcess(defsPath, env, { output: output, args: ['--grace', '1s'] });
    workers.push(secondWorker);
    const result = await backfill.result();
    secondWorker.kill('SIGTERM');
    await exited(secondWorker);

    // Progress counts asset partitions: 30 days of both assets.
    expect(result).toMatchObject({ status: 'completed', total: 30 * assetKeys.length, done: 30 * assetKeys.length, failed: 0, blocked: 0, failedItems: [] });
    // The second worker really took over.
    const logged = stepsLogged(stepsLog);
    expect(logged.some((s) => s.pid === secondWorker.pid)).toBe(true);

    // Exactly one materialization row per partition per asset.
    for (const assetKey of assetKeys) {
      const rows = await catalog.materializationHistory(assetKey, { limit: 10_000 });
      const perPartition = new Map<string, number>();
      for (const row of rows) perPartition.set(row.partitionKey!, (perPartition.get(row.partitionKey!) ?? 0) + 1);
      expect({ assetKey, keys: [...perPartition.keys()].sort() }).toEqual({ assetKey, keys: days });
      expect({ assetKey, duplicated: [...perPartition.entries()].filter(([, n]) => n !== 1) }).toEqual({ assetKey, duplicated: [] });
    }

    // Each partition was run by exactly one child run, which made both of its materializations.
    const runs = await catalog.listRuns({ backfillId: backfill.backfillId, limit: 1_000 });
    const runsPerPartition = new Map<string, string[]>();
    for (const run of runs) runsPerPartition.set(run.partitionKey!, [...(runsPerPartition.get(run.partitionKey!) ?? []), run.runId]);
    expect([...runsPerPartition.keys()].sort()).toEqual(days);
    expect([...runsPerPartition.entries()].filter(([, ids]) => ids.length !== 1)).toEqual([]);
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.partitionKey}: ${r.status}`)).toEqual([]);
    for (const assetKey of assetKeys) {
      const rows = await catalog.materializationHistory(assetKey, { limit: 10_000 });
      const wrongRun = rows.filter((m) => runsPerPartition.get(m.partitionKey!)?.[0] !== m.runId);
      expect(wrongRun.map((m) => `${assetKey} ${m.partitionKey} by ${m.runId}`)).toEqual([]);
    }
  }, 240_000);
});
