/**
 * A PostgreSQL catalog outage while a run is in flight: a real PostgreSQL server is stopped
 * (`pg_ctl stop -m fast`) just before a step's catalog write and started again ~12 s later. The
 * worker (`stratum worker`, a separate process, on the harness's dev server) must wait for the
 * catalog instead of failing the step: the run succeeds, each asset function ran exactly once,
 * and the catalog holds one materialization row per asset.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectClient } from '../../client/connection';
import { StratumClient } from '../../client/stratum-client';
import { loadDefinitions } from '../../cli/load-definitions';
import { openCatalog, type Catalog } from '../../sdk/catalog';
import { exited, startWorkerProcess } from '../harness/cli-process';
import { startRestartableTestPostgres, type RestartableTestPostgres } from '../harness/postgres';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const defsPath = path.join(__dirname, '..', 'fixtures', 'catalog-outage-defs.ts');
/** How long the catalog stays down: longer than a step's 3 attempts of today's code take to fail. */
const OUTAGE_MS = 12_000;

describe('a PostgreSQL catalog outage during a run', () => {
  let pg: RestartableTestPostgres;
  let catalog: Catalog | undefined;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    pg = await startRestartableTestPostgres();
  }, 120_000);
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGKILL');
      await exited(worker);
    }
    await catalog?.close();
    await pg?.stop();
  });

  test('a step whose catalog write falls into the outage waits for the catalog: the run succeeds, each function ran once, one row per asset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-catalog-outage-'));
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: uniqueTaskQueue('catalog-outage'),
      STRATUM_CATALOG_URL: pg.url,
      STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
      STRATUM_CATALOG_WAIT: '2m',
      CATALOG_OUTAGE_DIR: dir,
    };
    const calls = (name: string) => (existsSync(path.join(dir, `${name}.calls`)) ? readFileSync(path.join(dir, `${name}.calls`), 'utf8').trim().split('\n').length : 0);
    catalog = await openCatalog(pg.url);
    const definitions = loadDefinitions(defsPath);
    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    const output: string[] = [];
    const workerLog = () => output.join('');
    let catalogDown = false;
    let failed = false;
    try {
      worker = startWorkerProcess(defsPath, env, { output });
      const stratum = new StratumClient(client, definitions, { taskQueue: env.STRATUM_TASK_QUEUE, catalog });
      const run = await stratum.start({ selection: '*' });

      // `outage/held` has started (so its inputs were read): stop the catalog, then let it return its value.
      await waitFor(() => calls('held') > 0, 60_000);
      await pg.stopServer();
      catalogDown = true;
      const outageStartedAt = Date.now();
      writeFileSync(path.join(dir, 'release'), '');

      // Its catalog write met the outage, and the worker says that it waits.
      await waitFor(() => /Catalog unavailable .*recordMaterialization/.test(workerLog()), 30_000);
      // The outage lasts its full length (the fault being simulated, not a synchronisation).
      await sleep(Math.max(0, outageStartedAt + OUTAGE_MS - Date.now()));
      await pg.startServer();
      catalogDown = false;

      const result = await run.result();
      expect({ status: result.status, steps: result.steps.map((s) => [s.key, s.status]) }).toEqual({
        status: 'succeeded',
        steps: expect.arrayContaining([
          ['outage/first', 'succeeded'],
          ['outage/held', 'succeeded'],
          ['outage/last', 'succeeded'],
        ]),
      });
      expect({ first: calls('first'), held: calls('held'), last: calls('last') }).toEqual({ first: 1, held: 1, last: 1 });
      for (const key of ['outage/first', 'outage/held', 'outage/last']) {
        const rows = await catalog.materializationHistory(key);
        expect(rows.map((r) => r.runId)).toEqual([run.plan.runId]);
      }
      expect((await catalog.getRun(run.plan.runId))?.status).toBe('succeeded');
      expect(workerLog()).toMatch(/Catalog available again after/);
    } catch (error) {
      failed = true;
      throw new Error(`${(error as Error).message}\n--- worker output ---\n${workerLog().slice(-4000)}`);
    } finally {
      if (catalogDown) await pg.startServer();
      worker?.kill(failed ? 'SIGKILL' : 'SIGTERM');
      if (worker) await exited(worker);
      await connection.close();
    }
  }, 180_000);
});
