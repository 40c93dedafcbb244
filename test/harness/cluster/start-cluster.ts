import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { openCatalog, type Catalog } from '../../../sdk/catalog';
import { StratumSearchAttributes } from '../../../sdk/protocol/search-attributes';
import { runStratum } from '../cli-process';
import { startTestPostgres, type TestPostgres } from '../postgres';
import { freePorts } from './free-ports';
import { findOrBuildTemporalServer, type TemporalServerBinaries } from './server-binaries';
import { TEMPORAL_SERVICES, writeClusterConfig, type ServicePorts, type TemporalService } from './server-config';
import { serviceLogFile, ServiceProcess } from './service-process';
import { postgresServerOf, postgresUrlOf, setupTemporalDatabase } from './sql-schema';
import { StratumWorkerProcess } from './worker-process';

/** Options of {@link startTemporalCluster}. All are optional. */
export interface TemporalClusterOptions {
  /** `stratum worker` processes to start on {@link TemporalCluster.taskQueue} (needs `defs`). Default 0. */
  workers?: number;
  /** Definitions file (`defs.ts`) the workers load with `--defs`. Needed for `workers > 0` and `startWorker()`. */
  defs?: string;
  /** Extra `stratum worker` arguments for every worker, e.g. `['--grace', '1s', '--max-concurrent-steps', '8']`. Default `['--grace', '1s']`. */
  workerArgs?: readonly string[];
  /** Extra environment for the workers (and {@link TemporalCluster.env}), e.g. a fixture's marker folder. */
  workerEnv?: NodeJS.ProcessEnv;
  /** History shards (`numHistoryShards`; fixed for a cluster's life). Default 4. */
  historyShards?: number;
  /** Task queue of the workers. Default a unique `cluster-<pid>-<random>`. */
  taskQueue?: string;
  /** Dynamic config values (`key: value`, no constraints) on top of the module's development-sql.yaml. */
  dynamicConfig?: Record<string, unknown>;
  /** Connections each service process opens to the default store. Default 10 (4 services stay under the test PostgreSQL's 100). */
  maxConns?: number;
  /** Server log level (`debug`, `info`, `warn`, `error`); logs go to `<dataDir>/logs/<service>.log`. Default `warn`. */
  logLevel?: string;
  /** Progress lines (build, start steps, timings). Default: none. */
  log?: (line: string) => void;
}

/** Milliseconds each start step took (for the bench's report). */
export interface ClusterStartTimings {
  /** Finding (or building) the server binaries. */
  binaries: number;
  /** Starting PostgreSQL. */
  postgres: number;
  /** temporal-sql-tool: both databases created and migrated. */
  schema: number;
  /** The four service processes listening and the frontend answering. */
  services: number;
  /** `stratum setup`, until a start with Stratum's search attributes is accepted. */
  setup: number;
  /** The initial workers polling. */
  workers: number;
  total: number;
}

/** A running Temporal cluster from {@link startTemporalCluster}. */
export interface TemporalCluster {
  /** Frontend gRPC address, `127.0.0.1:PORT` (never 7233). */
  address: string;
  /** Always `default` (created by the harness, search attributes registered by `stratum setup`). */
  namespace: string;
  /** Task queue of the workers. */
  taskQueue: string;
  /** A Temporal client on the `default` namespace (closed by `stop()`). */
  client: Client;
  /** The client's connection (closed by `stop()`). */
  connection: Connection;
  /** URL of the PostgreSQL catalog database the workers use (`postgres://…/stratum_catalog`). */
  catalogUrl: string;
  /** That catalog, opened (and migrated) once before any worker started (closed by `stop()`). */
  catalog: Catalog;
  /** URL of the PostgreSQL server's `postgres` database (Temporal's databases are on the same server). */
  postgresUrl: string;
  /**
   * Environment for `stratum` commands against this cluster (`runStratum(args, cluster.env)`) and
   * what the workers get: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, STRATUM_TASK_QUEUE,
   * STRATUM_CATALOG(_URL), STRATUM_STORAGE_DIR (shared by the workers), plus `workerEnv`.
   */
  env: Record<string, string>;
  /** Folder with the config (`config/`), service logs (`logs/`) and the workers' storage (`storage/`); removed by `stop()`. */
  dataDir: string;
  /** The service processes by name (pids, ports, log files). */
  services: Readonly<Record<TemporalService, ServiceProcess>>;
  /** Every worker started so far, in start order (killed ones stay, with `running() === false`). */
  workers: StratumWorkerProcess[];
  /** The server binaries and module folder used. */
  binaries: TemporalServerBinaries;
  /** How long the start took, step by step. */
  timings: ClusterStartTimings;
  /**
   * Stops one service process and starts it again on the same ports; resolves when it listens
   * again. `signal` `SIGTERM` (default): Temporal's graceful shutdown; `SIGKILL`: a crash.
   */
  restartService(name: TemporalService, options?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /** Starts one more `stratum worker` on the task queue; resolves once it polls. */
  startWorker(options?: { args?: readonly string[]; env?: NodeJS.ProcessEnv }): Promise<StratumWorkerProcess>;
  /** Kills worker `i` (index in `workers`) with SIGKILL, as a crash would; resolves once it exited. */
  killWorker(i: number): Promise<void>;
  /** Stops worker `i` with SIGTERM (running steps get the `--grace` period); resolves once it exited. */
  stopWorker(i: number): Promise<void>;
  /** Stops the workers, the services and PostgreSQL, and removes every folder. Idempotent. */
  stop(): Promise<void>;
}

/** The harness could not bring the cluster up; the message says which step and shows its output. */
export class ClusterStartError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_TEST_CLUSTER_START';

  constructor(step: string, detail: string) {
    super(`[STRATUM_TEST_CLUSTER_START] Starting the test Temporal cluster failed at "${step}": ${detail}`);
    this.name = 'ClusterStartError';
  }
}

/**
 * Starts a real Temporal cluster from nothing, as a team would run one, and optionally `stratum
 * worker` processes on it:
 *
 * 1. the Temporal server v1.29.1 and temporal-sql-tool, built with Go into the per-user cache
 *    on first use ({@link findOrBuildTemporalServer}; `node scripts/ensure-temporal-server.js`
 *    does it ahead);
 * 2. a private PostgreSQL ({@link startTestPostgres}: Debian's binaries, or a fresh database on
 *    `STRATUM_TEST_POSTGRES_URL`'s server) with the `temporal` and `temporal_visibility`
 *    databases set up by temporal-sql-tool (suffixed when the server is shared);
 * 3. a config derived from the module's `development-postgres12.yaml` with free ports and
 *    `historyShards` shards, and the frontend, history, matching and worker services started as
 *    four separate processes;
 * 4. `stratum setup` (creates the `default` namespace, registers Stratum's search attributes),
 *    waited on until a workflow start carrying them is accepted;
 * 5. a PostgreSQL catalog database, `stratum_catalog`, migrated once;
 * 6. `workers` × `stratum worker --defs <defs>` on one task queue, each waited on until it polls.
 *
 * Nothing listens on 7233. Call `stop()` when done (a test's `afterAll`); if the process exits
 * first, the service and worker processes are killed. Uses no jest globals (benchmarks import it).
 *
 * @throws ClusterStartError naming the step that failed (everything started is stopped again).
 *
 * @example
 * ```ts
 * const cluster = await startTemporalCluster({ workers: 2, defs: 'test/fixtures/cluster-defs.ts', log: console.error });
 * try {
 *   await runStratum(['materialize', '*', '--defs', defs], cluster.env);
 *   await cluster.killWorker(0);
 *   await cluster.restartService('history');
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startTemporalCluster(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  const timings: ClusterStartTimings = { binaries: 0, postgres: 0, schema: 0, services: 0, setup: 0, workers: 0, total: 0 };
  let stepStarted = startedAt;
  const stepDone = (name: Exclude<keyof ClusterStartTimings, 'total'>) => {
    timings[name] = Date.now() - stepStarted;
    log(`cluster: ${name} ${(timings[name] / 1000).toFixed(1)} s`);
    stepStarted = Date.now();
  };
  const workerCount = options.workers ?? 0;
  if (workerCount > 0 && !options.defs) throw new ClusterStartError('options', '`workers` needs `defs` (the definitions file the workers load).');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-cluster-'));
  fs.mkdirSync(path.join(dataDir, 'logs'));
  let pg: TestPostgres | null = null;
  let connection: Connection | null = null;
  let catalog: Catalog | null = null;
  const services = new Map<TemporalService, ServiceProcess>();
  const workers: StratumWorkerProcess[] = [];
  const killAllNow = () => {
    for (const w of workers) if (w.running()) w.child.kill('SIGKILL');
    for (const s of services.values()) s.killNow();
  };
  process.once('exit', killAllNow);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await connection?.close().catch(() => undefined);
    await catalog?.close().catch(() => undefined);
    await Promise.all([...services.values()].map((s) => s.stop('SIGKILL')));
    process.removeListener('exit', killAllNow);
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let step = 'binaries';
  try {
    const binaries = await findOrBuildTemporalServer({ log });
    stepDone('binaries');

    step = 'postgres';
    pg = await startTestPostgres();
    const server = postgresServerOf(pg.url);
    stepDone('postgres');

    step = 'schema';
    const suffix = process.env['STRATUM_TEST_POSTGRES_URL'] ? `_${randomBytes(4).toString('hex')}` : '';
    const databases = { default: `temporal${suffix}`, visibility: `temporal_visibility${suffix}` };
    const catalogDatabase = `stratum_catalog${suffix}`;
    setupTemporalDatabase({ sqlTool: binaries.sqlTool, moduleDir: binaries.moduleDir, server, database: databases.default, schema: 'temporal' });
    setupTemporalDatabase({ sqlTool: binaries.sqlTool, moduleDir: binaries.moduleDir, server, database: databases.visibility, schema: 'visibility' });
    const admin = new PgClient({ connectionString: pg.url, connectionTimeoutMillis: 10_000 });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${catalogDatabase}`);
    } finally {
      await admin.end();
    }
    stepDone('schema');

    step = 'services';
    const free = await freePorts(TEMPORAL_SERVICES.length * 2 + 1);
    const ports = Object.fromEntries(
      TEMPORAL_SERVICES.map((name, i): [TemporalService, ServicePorts] => [
        name,
        { grpcPort: free[2 * i]!, membershipPort: free[2 * i + 1]!, ...(name === 'frontend' ? { httpPort: free.at(-1)! } : {}) },
      ]),
    ) as Record<TemporalService, ServicePorts>;
    writeClusterConfig({
      configDir: path.join(dataDir, 'config'),
      moduleDir: binaries.moduleDir,
      postgres: server,
      databases,
      historyShards: options.historyShards ?? 4,
      ports,
      logLevel: options.logLevel ?? 'warn',
      maxConns: options.maxConns ?? 10,
      dynamicConfig: options.dynamicConfig ?? {},
    });
    for (const name of TEMPORAL_SERVICES) services.set(name, new ServiceProcess(name, ports[name], binaries.server, dataDir, serviceLogFile(dataDir, name)));
    // One service first: each process writes the cluster metadata on its first start, and
    // several doing it at once on a fresh database fail with a duplicate key (cluster_metadata_info_pkey).
    await services.get('history')!.start();
    await Promise.all([...services.values()].filter((s) => s.name !== 'history').map((s) => s.start()));
    const address = `127.0.0.1:${ports.frontend.grpcPort}`;
    connection = await Connection.connect({ address, connectTimeout: 10_000 });
    await until(async () => {
      await connection!.workflowService.describeNamespace({ namespace: 'temporal-system' });
    }, 60_000, 'the frontend answers DescribeNamespace(temporal-system)');
    stepDone('services');

    step = 'setup';
    const namespace = 'default';
    const taskQueue = options.taskQueue ?? `cluster-${process.pid}-${randomBytes(4).toString('hex')}`;
    const catalogUrl = postgresUrlOf(server, catalogDatabase);
    const storageDir = path.join(dataDir, 'storage');
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      STRATUM_TASK_QUEUE: taskQueue,
      STRATUM_CATALOG: catalogUrl,
      STRATUM_CATALOG_URL: catalogUrl,
      STRATUM_STORAGE_DIR: storageDir,
      ...(Object.fromEntries(Object.entries(options.workerEnv ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>),
    };
    const setup = await runStratum(['setup'], env);
    if (setup.code !== 0) throw new Error(`\`stratum setup\` exited with ${setup.code}:\n${setup.stderr}${setup.stdout}`);
    log(`cluster: ${setup.stderr.trim().split('\n').join(' / ')}`);
    const client = new Client({ connection, namespace });
    await until(() => probeStart(client), 60_000, 'a workflow start with Stratum\'s search attributes is accepted');
    stepDone('setup');

    step = 'workers';
    catalog = await openCatalog(catalogUrl);
    const workerArgs = options.workerArgs ?? ['--grace', '1s'];
    const startWorker = async (more: { args?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<StratumWorkerProcess> => {
      if (!options.defs) throw new Error('startWorker needs the cluster started with `defs`.');
      const worker = new StratumWorkerProcess(workers.length, options.defs, { ...env, ...more.env }, [...workerArgs, ...(more.args ?? [])]);
      workers.push(worker);
      await worker.ready();
      return worker;
    };
    await Promise.all(Array.from({ length: workerCount }, () => startWorker()));
    stepDone('workers');
    timings.total = Date.now() - startedAt;
    log(`cluster: up at ${address} in ${(timings.total / 1000).toFixed(1)} s (${workerCount} workers, data ${dataDir})`);

    const workerAt = (i: number): StratumWorkerProcess => {
      const worker = workers[i];
      if (!worker) throw new Error(`No worker ${i}: ${workers.length} started.`);
      return worker;
    };
    return {
      address,
      namespace,
      taskQueue,
      client,
      connection,
      catalogUrl,
      catalog,
      postgresUrl: pg.url,
      env,
      dataDir,
      services: Object.fromEntries(services) as Record<TemporalService, ServiceProcess>,
      workers,
      binaries,
      timings,
      restartService: (name, restartOptions) => services.get(name)!.restart(restartOptions),
      startWorker,
      killWorker: (i) => workerAt(i).kill('SIGKILL'),
      stopWorker: (i) => workerAt(i).kill('SIGTERM'),
      stop,
    };
  } catch (error) {
    const logs = [...services.values()].map((s) => `--- ${s.name} ---\n${s.logTail(15)}`).join('\n');
    await stop().catch(() => undefined);
    throw new ClusterStartError(step, `${error instanceof Error ? error.message : String(error)}${logs ? `\n${logs}` : ''}`);
  }
}

/** Retries `attempt` until it resolves; after `timeoutMs` rethrows its last error, saying what was awaited. */
async function until(attempt: () => Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms until ${what}; last error: ${(error as Error).message}`);
      await sleep(200);
    }
  }
}

/**
 * Starts (and terminates) a workflow carrying Stratum's search attributes on a queue no worker
 * polls: it succeeds once the namespace and the attributes are known to every service involved.
 */
async function probeStart(client: Client): Promise<void> {
  const handle = await client.workflow.start('stratumClusterProbe', {
    taskQueue: 'stratum-cluster-probe',
    workflowId: `stratum-cluster-probe-${randomBytes(4).toString('hex')}`,
    typedSearchAttributes: [
      { key: StratumSearchAttributes.kind, value: 'run' },
      { key: StratumSearchAttributes.assetKeys, value: ['probe'] },
    ],
  });
  await handle.terminate('cluster harness probe');
}
