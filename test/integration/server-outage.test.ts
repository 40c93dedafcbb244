/**
 * The CLI follows a run through faults it cannot fix but must report (issue 10, items 5 and 6):
 * - the Temporal server is killed (SIGKILL) mid-run and restarted on the same port and database
 *   file: an attached `stratum materialize` says once that the server is unreachable, keeps
 *   waiting, and exits 0 with the run's success; right after the restart, `--detach` waits for
 *   the worker to reconnect instead of refusing with "No worker polls";
 * - the only worker has just been killed (Temporal still lists its poller for about a minute):
 *   an attached run (and an attached backfill) says within seconds that no worker picked it up,
 *   and how to start one, and completes once a worker starts;
 * - a project whose recorded dev server has died says so when it starts a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { startDevServer, stopDevServer, type DevServer } from '../../cli/dev/dev-server';
import { readDevServerState } from '../../cli/dev/dev-server-state';
import { hasPollers } from '../../cli/worker-pollers';
import { pickFreePort } from '../../cli/dev/ports';
import { openCatalog } from '../../sdk/catalog';
import { exited, startWorkerProcess } from '../harness/cli-process';
import { TestEnvVars, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'stratum.js');
const defsPath = path.join(__dirname, '..', 'fixtures', 'server-outage-defs.ts');
/** Longer than the Temporal client's own retries of one call (about 20 s), as in the reported 23 s outage. */
const OUTAGE_MS = 24_000;

/** Every CLI process a test started, killed in `afterAll` if a failed test left it running. */
const cliProcesses: ChildProcess[] = [];

/** A running `stratum …` whose output can be read while it runs. */
interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  cliProcesses.push(child);
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

describe('following a run through server and worker faults', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-outage-'));
  const dbFile = path.join(dir, 'temporal.db');
  const processes: ChildProcess[] = [];
  let server: DevServer | undefined;
  let port = 0;

  const serverOptions = () => ({ port, headless: true, dbFile, cliPath: process.env[TestEnvVars.temporalCli]! });
  const envFor = (taskQueue: string) => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_NAMESPACE: 'default',
    STRATUM_HOME: path.join(dir, 'home'),
    STRATUM_TASK_QUEUE: taskQueue,
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    STRATUM_SERVER_WAIT: '2m',
    OUTAGE_TEST_MARKER_DIR: dir,
  });
  const startWorker = async (env: NodeJS.ProcessEnv): Promise<{ worker: ChildProcess; output: string[] }> => {
    const output: string[] = [];
    const worker = startWorkerProcess(defsPath, env, { output, args: ['--grace', '1s'] });
    processes.push(worker);
    await waitFor(() => output.join('').includes('Worker polling'), 60_000);
    return { worker, output };
  };

  /** A worker that polled the task queue (the server lists it) and was then killed: its poller stays listed for about a minute. */
  const startAndKillWorker = async (env: ReturnType<typeof envFor>): Promise<void> => {
    const { worker } = await startWorker(env);
    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    try {
      await waitFor(() => hasPollers(client, 'default', env.STRATUM_TASK_QUEUE), 30_000, 200);
    } finally {
      await connection.close();
    }
    worker.kill('SIGKILL');
    await exited(worker);
  };

  beforeAll(async () => {
    port = await pickFreePort();
    server = await startDevServer(serverOptions());
  }, 90_000);

  afterAll(async () => {
    for (const p of [...processes, ...cliProcesses]) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGKILL');
        await exited(p);
      }
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a server killed mid-run for longer than the client retries: the attached CLI says so, waits, and reports the success', async () => {
    const env = envFor(uniqueTaskQueue('outage'));
    const { output: workerOutput } = await startWorker({ ...env, OUTAGE_TEST_SLOW_MS: '4000' });
    const marker = path.join(dir, 'slow-started.log');
    rmSync(marker, { force: true });

    const run = startCli(['materialize', 'outage/first,outage/slow,outage/last', '--defs', defsPath], env);
    await waitFor(() => existsSync(marker) || run.child.exitCode !== null, 60_000);
    if (!existsSync(marker)) throw new Error(`outage/slow never started; the CLI exited ${run.child.exitCode}:\n${run.stderr()}\n${run.stdout()}`);

    // The server dies while outage/slow runs, and stays away longer than the client's own retries.
    const killedAt = Date.now();
    process.kill(server!.pid!, 'SIGKILL');
    await waitFor(() => Date.now() - killedAt >= OUTAGE_MS || run.child.exitCode !== null, OUTAGE_MS + 5_000, 250);
    expect(run.child.exitCode).toBeNull(); // still waiting for the run
    expect(run.stderr()).toContain('Cannot reach the Temporal server at 127.0.0.1:');
    expect(run.stderr()).toContain('STRATUM_SERVER_WAIT');

    server = await startDevServer(serverOptions());

    // Right after the restart the worker is still reconnecting: --detach waits for it instead of refusing.
    const detached = startCli(['materialize', 'outage/quick', '--defs', defsPath, '--detach'], env);
    const detachedCode = await detached.done;
    if (detachedCode !== 0) throw new Error(`stratum materialize --detach right after the restart exited ${detachedCode}:\n${detached.stderr()}\n${detached.stdout()}`);
    const detachedWorkflowId = detached.stdout().trim();

    const code = await run.done;
    expect({ code, stderr: run.stderr(), worker: workerOutput.join('').slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String), worker: expect.any(String) });
    expect(run.stderr().match(/Cannot reach the Temporal server/g)).toHaveLength(1);
    expect(run.stderr()).toMatch(/answers again/);
    expect(run.stderr()).toMatch(/Run \S+ succeeded/);
    expect(run.stdout()).toContain('outage/last');

    // The run's true outcome is in the catalog, and the detached run finished too.
    const catalog = await openCatalog(env.STRATUM_CATALOG);
    try {
      expect(await catalog.latestMaterialization('outage/last')).not.toBeNull();
    } finally {
      await catalog.close();
    }
    const { client, connection } = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: 'default', source: 'env' });
    try {
      await expect(client.workflow.getHandle(detachedWorkflowId).result()).resolves.toMatchObject({ status: 'succeeded' });
    } finally {
      await connection.close();
    }
  }, 180_000);

  test('the only worker was just killed: the attached run says no worker picked it up, and completes once one starts', async () => {
    const env = envFor(uniqueTaskQueue('no-worker'));
    await startAndKillWorker(env);

    // Temporal still lists the dead worker's poller, so the CLI starts no worker of its own.
    const run = startCli(['materialize', 'outage/quick', '--defs', defsPath], env);
    await waitFor(() => run.stderr().includes('No worker has picked up') || run.child.exitCode !== null, 30_000, 200);
    expect(run.stderr()).toContain(`task queue "${env.STRATUM_TASK_QUEUE}"`);
    expect(run.stderr()).toContain('stratum worker --defs');
    expect(run.child.exitCode).toBeNull();

    await startWorker(env);
    const code = await run.done;
    expect({ code, stderr: run.stderr() }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.stderr()).toMatch(/Run \S+ succeeded/);
  }, 120_000);

  test('the same for a backfill: its progress stands still with a line saying no worker picked it up, and it completes once one starts', async () => {
    const env = envFor(uniqueTaskQueue('no-worker-backfill'));
    await startAndKillWorker(env);

    const backfill = startCli(['backfill', 'start', 'outage/regions', '--all', '--defs', defsPath], env);
    await waitFor(() => backfill.stderr().includes('No worker has picked up') || backfill.child.exitCode !== null, 30_000, 200);
    expect(backfill.stderr()).toMatch(/No worker has picked up backfill \S+ for \d+ s/);
    expect(backfill.stderr()).toContain(`task queue "${env.STRATUM_TASK_QUEUE}"`);
    expect(backfill.child.exitCode).toBeNull();

    await startWorker(env);
    const code = await backfill.done;
    expect({ code, stderr: backfill.stderr() }).toEqual({ code: 0, stderr: expect.any(String) });
    // The final progress line is the summary's, on stdout.
    expect(backfill.stdout()).toMatch(/Backfill \S+ +completed/);
    expect(backfill.stdout()).toMatch(/2\/2 +2 done +0 failed/);
  }, 120_000);

  test('a project whose dev server died: the next command says it had stopped when it starts a new one', async () => {
    const home = path.join(dir, 'dev-home');
    const devServer = { port: 0, headless: true, cliPath: process.env[TestEnvVars.temporalCli]! };
    const first = await resolveTemporalTarget({ startLocalIfNeeded: true, stratumHome: home, env: {}, devServer });
    expect(first.startedServer).toBe(true);
    try {
      const state = readDevServerState(home);
      if (state === null || state === 'invalid') throw new Error('no dev server state recorded');
      process.kill(state.pid, 'SIGKILL');
      await waitFor(() => {
        try {
          process.kill(state.pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 10_000);

      const lines: string[] = [];
      const second = await resolveTemporalTarget({ startLocalIfNeeded: true, stratumHome: home, env: {}, devServer, log: (line) => lines.push(line) });
      expect(second.startedServer).toBe(true);
      const text = lines.join('\n');
      expect(text).toContain(`The Temporal dev server this project started at ${first.target.address} (pid ${state.pid}`);
      expect(text).toContain('has stopped; starting a new one');
      expect(text).toContain(`same database file, ${path.join(home, 'data', 'temporal.db')}`);
    } finally {
      await stopDevServer(home);
    }
  }, 120_000);
});
