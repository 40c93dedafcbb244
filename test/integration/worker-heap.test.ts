/**
 * `stratum worker`'s default heap cap leaves room for data work: an asset that holds ~600 MB of
 * JavaScript heap succeeds in a worker process started without STRATUM_WORKER_HEAP_MB (the old
 * default cap, 384 MB, killed the worker and every step in flight).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectClient } from '../../client/connection';
import { StratumClient } from '../../client/stratum-client';
import { loadDefinitions } from '../../cli/load-definitions';
import { openCatalog, type Catalog } from '../../sdk/catalog';
import { exited, startWorkerProcess } from '../harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const defsPath = path.join(__dirname, '..', 'fixtures', 'big-heap-defs.ts');

describe('the default heap cap of stratum worker', () => {
  let worker: ChildProcess | undefined;
  let catalog: Catalog | undefined;
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGKILL');
      await exited(worker);
    }
    await catalog?.close();
  });

  test('an asset holding ~600 MB of heap succeeds in a worker process, which keeps running', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-heap-'));
    // The default is under test: no explicit cap from the environment the tests run in.
    delete process.env.STRATUM_WORKER_HEAP_MB;
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: uniqueTaskQueue('heap'),
      STRATUM_CATALOG: path.join(dir, 'catalog.db'),
      STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    };
    catalog = await openCatalog(env.STRATUM_CATALOG);
    const output: string[] = [];
    worker = startWorkerProcess(defsPath, env, { output, args: ['--grace', '2s'] });
    await waitFor(() => output.join('').includes('Worker polling'), 60_000);

    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    const stratum = new StratumClient(client, loadDefinitions(defsPath), { taskQueue: env.STRATUM_TASK_QUEUE, catalog });
    const run = await stratum.start({ selection: 'heap/big' });
    const died = exited(worker).then(() => {
      throw new Error(`the worker died (${worker!.signalCode ?? worker!.exitCode}):\n${output.join('').slice(-2000)}`);
    });
    // A worker that dies leaves the run waiting: fail with its output (the connection stays open for the pending result).
    const result = await Promise.race([run.result(), died]);
    await connection.close();
    expect(result.status).toBe('succeeded');
    const stored = await catalog.latestMaterialization('heap/big');
    expect(JSON.parse(readFileSync(new URL(stored!.storageLocation!), 'utf8'))).toEqual({ heldMb: 600 });
    expect(worker.exitCode).toBeNull();
  }, 120_000);
});
