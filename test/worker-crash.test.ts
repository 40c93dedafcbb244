import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectClient } from '../client/connection';
import { loadDefinitions } from '../cli/load-definitions';
import { StratumClient } from '../client/stratum-client';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startWorkerProcess } from './harness/cli-process';

const defsPath = path.join(__dirname, 'fixtures', 'crash-defs.ts');

describe('a worker killed mid-step', () => {
  let catalog: Catalog;
  const workers: ChildProcess[] = [];
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await catalog?.close();
  });

  test('SIGKILL while a step runs: a new worker finishes the run with one catalog row per asset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-crash-'));
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: uniqueTaskQueue('crash'),
      STRATUM_CATALOG: path.join(dir, 'catalog.db'),
      STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
      CRASH_TEST_MARKER_DIR: dir,
    };
    const attemptsLog = path.join(dir, 'slow-attempts.log');
    catalog = await openCatalog(env.STRATUM_CATALOG);
    const definitions = loadDefinitions(defsPath);
    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    const stratum = new StratumClient(client, definitions, { taskQueue: env.STRATUM_TASK_QUEUE, catalog });

    const firstWorker = startWorkerProcess(defsPath, env);
    workers.push(firstWorker);
    const run = await stratum.start({ selection: '*' });

    // Kill the worker as soon as the slow step has started.
    const deadline = Date.now() + 60_000;
    while (!existsSync(attemptsLog) && Date.now() < deadline) await sleep(100);
    expect(existsSync(attemptsLog)).toBe(true);
    firstWorker.kill('SIGKILL');
    await new Promise((resolve) => firstWorker.once('exit', resolve));

    const secondWorker = startWorkerProcess(defsPath, env);
    workers.push(secondWorker);
    const result = await run.result();
    secondWorker.kill('SIGTERM');
    await connection.close();

    expect(result.status).toBe('succeeded');
    expect(readFileSync(attemptsLog, 'utf8').trim().split('\n')).toEqual(['1', '2']);
    expect(result.steps.find((s) => s.key === 'crash/slow')!.attempts).toBe(2);
    for (const key of ['crash/first', 'crash/slow', 'crash/last']) {
      const rows = await catalog.materializationHistory(key);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.runId).toBe(run.plan.runId);
    }
    const stored = await catalog.latestMaterialization('crash/last');
    expect(JSON.parse(readFileSync(new URL(stored!.storageLocation!), 'utf8'))).toBe(7);
  });
});
