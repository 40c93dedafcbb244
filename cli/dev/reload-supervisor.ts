import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { resolveTemporalTarget } from '../../client/connection';
import { stopDevServer } from './dev-server';
import { log } from '../output';
import { StratumError } from '../../sdk/errors';
import { DefinitionsWatcher } from './reload-files';
import { DEV_WORKER_ENV, type DevSupervisorMessage, type DevWorkerMessage } from './reload-messages';

/** Options of `stratum dev`. */
export interface DevOptions {
  defs: string;
  catalog?: string;
  taskQueue?: string;
  /** Leave the dev server running on exit. */
  keepServer?: boolean;
  /** gRPC port of a dev server started here (0: a free one). */
  port?: number;
  /** Grace period of running steps when a worker stops (reload or Ctrl-C). */
  grace: string;
  graceMs: number;
}

/** One worker process of `stratum dev`. */
class DevWorkerProcess {
  readonly exited: Promise<void>;
  private listeners: ((m: DevWorkerMessage) => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (m) => {
      for (const l of [...this.listeners]) l(m as DevWorkerMessage);
    });
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The next message of one of `types`, or null when the process exits first. */
  next<T extends DevWorkerMessage['type']>(...types: T[]): Promise<Extract<DevWorkerMessage, { type: T }> | null> {
    return new Promise((resolve) => {
      const listener = (m: DevWorkerMessage) => {
        if (!(types as string[]).includes(m.type)) return;
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(m as Extract<DevWorkerMessage, { type: T }>);
      };
      this.listeners.push(listener);
      void this.exited.then(() => resolve(null));
    });
  }

  send(message: DevSupervisorMessage): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  /** Graceful stop: running steps get `graceMs` (plus a margin), then the process is killed. */
  async stop(graceMs: number): Promise<void> {
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs + 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * `stratum dev`: starts (or finds) the dev server, runs the worker in a child process, and
 * replaces that process when the definitions module or a file it imports changes: the new one
 * loads first; on a load error the old one keeps running. Ctrl-C stops the worker (running steps
 * get the grace period) and the dev server this command started.
 */
export async function runDev(options: DevOptions): Promise<void> {
  const resolved = await resolveTemporalTarget({ startLocalIfNeeded: true, log, ...(options.port !== undefined ? { devServer: { port: options.port } } : {}) });
  const stopServer = async () => {
    if (!resolved.startedServer || options.keepServer) return;
    await stopDevServer();
    log('Stopped the local Temporal dev server.');
  };

  let current: DevWorkerProcess | null = null;
  let stopping = false;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const spawned = new Set<DevWorkerProcess>();

  const spawnWorker = (): DevWorkerProcess => {
    // The same `stratum` entry with the same Node flags (heap cap, loaders), in its own process
    // group: Ctrl-C reaches this process only, which stops the worker gracefully.
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], {
      env: { ...process.env, [DEV_WORKER_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    const worker = new DevWorkerProcess(child);
    spawned.add(worker);
    void worker.exited.then(() => spawned.delete(worker));
    return worker;
  };

  /** Loads the definitions in a new process; returns it ready to poll, or null after a load error. */
  const load = async (): Promise<{ worker: DevWorkerProcess; ready: Extract<DevWorkerMessage, { type: 'ready' }> } | null> => {
    const worker = spawnWorker();
    const reply = await worker.next('ready', 'load-error');
    if (reply?.type === 'ready') return { worker, ready: reply };
    log(reply?.type === 'load-error' ? reply.message : `The worker process for ${options.defs} exited while loading the definitions.`);
    worker.child.kill('SIGKILL');
    return null;
  };

  const watcher = new DefinitionsWatcher((file) => void reload(file));
  let reloading: Promise<void> | null = null;
  let again: string | null = null;
  const reload = async (file: string): Promise<void> => {
    if (stopping) return;
    if (reloading) {
      again = file;
      return;
    }
    const shown = path.relative(process.cwd(), file) || file;
    reloading = (async () => {
      const loaded = await load();
      if (stopping) {
        loaded?.worker.child.kill('SIGKILL');
        return;
      }
      if (loaded === null) {
        log(`Kept the previous worker running; fix ${shown} and save to reload.`);
        return;
      }
      const previous = current;
      // The old worker stops polling at once; its running steps finish within the grace period.
      if (previous) void previous.stop(options.graceMs);
      current = loaded.worker;
      watchExit(current);
      current.send({ type: 'start' });
      if ((await current.next('polling')) === null) return;
      watcher.watch(loaded.ready.files);
      log(`Reloaded definitions (${loaded.ready.assets} assets) after a change to ${shown}.`);
    })();
    await reloading;
    reloading = null;
    if (again !== null) {
      const next = again;
      again = null;
      await reload(next);
    }
  };

  const watchExit = (worker: DevWorkerProcess) => {
    void worker.exited.then(() => {
      if (worker === current && !stopping) log(`The worker process exited (${worker.child.signalCode ?? worker.child.exitCode}); save a file of the definitions to start it again.`);
    });
  };

  let lastSignalAt = 0;
  const onSignal = (signal: string) => {
    // The `stratum` launcher forwards the terminal's signal too: one press, one signal.
    if (Date.now() - lastSignalAt < 1_000) return;
    lastSignalAt = Date.now();
    if (stopping) {
      log('Second signal: stopping now.');
      for (const w of spawned) w.child.kill('SIGKILL');
      void stopServer().finally(() => process.exit(130));
      return;
    }
    stopping = true;
    watcher.close();
    log(`${signal}: stopping; running steps have ${options.grace} to finish (signal again to exit now).`);
    void Promise.all([...spawned].map((w) => w.stop(options.graceMs))).then(() => {
      log('Worker stopped.');
      done();
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const first = await load();
    let started = false;
    if (first !== null && !stopping) {
      current = first.worker;
      watchExit(current);
      current.send({ type: 'start' });
      const polling = await current.next('polling');
      if (polling !== null && !stopping) {
        watcher.watch(first.ready.files);
        const shown = path.relative(process.cwd(), path.resolve(options.defs)) || options.defs;
        log(`Worker polling task queue "${polling.taskQueue}" on ${polling.address} (namespace ${polling.namespace}) with ${first.ready.steps} steps; reloading when ${shown} or a file it imports changes.`);
        if (resolved.uiUrl) log(`Temporal web UI: ${resolved.uiUrl}`);
        started = true;
      }
    }
    if (!started && !stopping) throw new DevWorkerLoadError(options.defs);
    await finished;
  } catch (error) {
    stopping = true;
    watcher.close();
    for (const w of spawned) w.child.kill('SIGKILL');
    await stopServer();
    throw error;
  }
  await stopServer();
}

/** The first worker of `stratum dev` could not load the definitions (the reason is printed above). */
export class DevWorkerLoadError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_WORKER_LOAD';

  constructor(defs: string) {
    super(`[STRATUM_DEV_WORKER_LOAD] The worker could not load ${defs} (see above); fix it and run \`stratum dev\` again.`);
  }
}
