import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { resolveTemporalTarget } from '../../client/connection';
import { stopDevServer } from './dev-server';
import { log } from '../output';
import { StratumError } from '../../sdk/errors';
import { DefinitionsWatcher } from './reload-files';
import { DEV_WORKER_ENV, type DevSupervisorMessage, type DevWorkerMessage } from './reload-messages';
import { resolveWorkspace, selectLocation, type ResolvedLocation } from '../workspace/load-workspace';
import type { LocationOptions } from '../workspace/open-location';

/** Options of `stratum dev`. */
export interface DevOptions extends LocationOptions {
  catalog?: string;
  taskQueue?: string;
  /** Leave the dev server running on exit. */
  keepServer?: boolean;
  /** gRPC port of a dev server started here (0: a free one). */
  port?: number;
  /** Grace period of running steps when a worker stops (reload or Ctrl-C). */
  grace: string;
  graceMs: number;
  /** Called when a location's worker reloaded (or started after a fix) with its new definitions; `files` are the module and what it imports. The UI follows with it. */
  onLocationReloaded?: (location: string, files: readonly string[]) => void;
  /** Called when a location's module fails to load on a change (its previous worker keeps running). */
  onLocationLoadError?: (location: string, message: string) => void;
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
 * loads first; on a load error the old one keeps running. With a workspace, one such child per
 * location (each on its own task queue, reloading on its own files); a location whose module
 * fails to load is watched until it loads, and the others run meanwhile. Ctrl-C stops the
 * workers (running steps get the grace period) and the dev server this command started.
 */
export async function runDev(options: DevOptions): Promise<void> {
  // Which locations get a worker: --location's, else all of the workspace (one implicit location without one).
  const workspace = resolveWorkspace(options);
  const locations = options.location !== undefined ? [selectLocation(workspace, options.location)] : workspace.locations;
  const resolved = await resolveTemporalTarget({ startLocalIfNeeded: true, log, ...(options.port !== undefined ? { devServer: { port: options.port } } : {}) });
  const stopServer = async () => {
    if (!resolved.startedServer || options.keepServer) return;
    await stopDevServer();
    log('Stopped the local Temporal dev server.');
  };

  const state = { stopping: false };
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const spawned = new Set<DevWorkerProcess>();
  const supervisors = locations.map((location) => new LocationSupervisor(location, workspace.file !== null, options, spawned, state));

  let lastSignalAt = 0;
  const onSignal = (signal: string) => {
    // The `stratum` launcher forwards the terminal's signal too: one press, one signal.
    if (Date.now() - lastSignalAt < 1_000) return;
    lastSignalAt = Date.now();
    if (state.stopping) {
      log('Second signal: stopping now.');
      for (const w of spawned) w.child.kill('SIGKILL');
      void stopServer().finally(() => process.exit(130));
      return;
    }
    state.stopping = true;
    for (const s of supervisors) s.close();
    log(`${signal}: stopping; running steps have ${options.grace} to finish (signal again to exit now).`);
    void Promise.all([...spawned].map((w) => w.stop(options.graceMs))).then(() => {
      log(supervisors.length > 1 ? 'Workers stopped.' : 'Worker stopped.');
      done();
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const started = await Promise.all(supervisors.map((s) => s.start()));
    if (started.some(Boolean) && resolved.uiUrl && !state.stopping) log(`Temporal web UI: ${resolved.uiUrl}`);
    if (!started.some(Boolean) && !state.stopping) throw new DevWorkerLoadError(locations.map((l) => path.relative(process.cwd(), l.defs) || l.defs).join(', '));
    await finished;
  } catch (error) {
    state.stopping = true;
    for (const s of supervisors) s.close();
    for (const w of spawned) w.child.kill('SIGKILL');
    await stopServer();
    throw error;
  }
  await stopServer();
}

/** The worker processes of one location in `stratum dev`: the current one, and its reloads. */
class LocationSupervisor {
  private current: DevWorkerProcess | null = null;
  private readonly watcher = new DefinitionsWatcher((file) => void this.reload(file));
  private reloading: Promise<void> | null = null;
  private again: string | null = null;
  private readonly label: string;

  constructor(
    private readonly location: ResolvedLocation,
    private readonly inWorkspace: boolean,
    private readonly options: DevOptions,
    private readonly spawned: Set<DevWorkerProcess>,
    private readonly state: { stopping: boolean },
  ) {
    this.label = inWorkspace ? `location ${location.name}: ` : '';
  }

  close(): void {
    this.watcher.close();
  }

  /** Starts the first worker; false (its module watched for a fix) when it does not load. */
  async start(): Promise<boolean> {
    const first = await this.load();
    if (first === null || this.state.stopping) {
      if (first === null && this.inWorkspace && !this.state.stopping) {
        this.watcher.watch([this.location.defs]);
        log(`${this.label}not started; fix ${this.shown(this.location.defs)} and save to start it (the other locations keep running).`);
      }
      first?.worker.child.kill('SIGKILL');
      return false;
    }
    this.current = first.worker;
    this.watchExit(this.current);
    this.current.send({ type: 'start' });
    const polling = await this.current.next('polling');
    if (polling === null || this.state.stopping) return false;
    this.watcher.watch(first.ready.files);
    log(`${this.label}Worker polling task queue "${polling.taskQueue}" on ${polling.address} (namespace ${polling.namespace}) with ${first.ready.steps} steps; reloading when ${this.shown(this.location.defs)} or a file it imports changes.`);
    return true;
  }

  private shown(file: string): string {
    return path.relative(process.cwd(), file) || file;
  }

  private spawnWorker(): DevWorkerProcess {
    // The same `stratum` entry with the same Node flags (heap cap, loaders), in its own process
    // group: Ctrl-C reaches this process only, which stops the worker gracefully. In a workspace
    // the child serves one location (a later --location wins over one given to `stratum dev`).
    const args = [...process.argv.slice(2), ...(this.inWorkspace ? ['--location', this.location.name] : [])];
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
      env: { ...process.env, ...this.location.env, [DEV_WORKER_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    const worker = new DevWorkerProcess(child);
    this.spawned.add(worker);
    void worker.exited.then(() => this.spawned.delete(worker));
    return worker;
  }

  /** Loads the definitions in a new process; returns it ready to poll, or null after a load error. */
  private async load(): Promise<{ worker: DevWorkerProcess; ready: Extract<DevWorkerMessage, { type: 'ready' }> } | null> {
    const worker = this.spawnWorker();
    const reply = await worker.next('ready', 'load-error');
    if (reply?.type === 'ready') return { worker, ready: reply };
    const message = reply?.type === 'load-error' ? reply.message : `The worker process for ${this.shown(this.location.defs)} exited while loading the definitions.`;
    log(message);
    this.options.onLocationLoadError?.(this.location.name, message);
    worker.child.kill('SIGKILL');
    return null;
  }

  private async reload(file: string): Promise<void> {
    if (this.state.stopping) return;
    if (this.reloading) {
      this.again = file;
      return;
    }
    const shown = this.shown(file);
    this.reloading = (async () => {
      const loaded = await this.load();
      if (this.state.stopping) {
        loaded?.worker.child.kill('SIGKILL');
        return;
      }
      if (loaded === null) {
        log(this.current ? `${this.label}Kept the previous worker running; fix ${shown} and save to reload.` : `${this.label}still not started; fix ${shown} and save to start it.`);
        return;
      }
      const previous = this.current;
      // The old worker stops polling at once; its running steps finish within the grace period.
      if (previous) void previous.stop(this.options.graceMs);
      this.current = loaded.worker;
      this.watchExit(this.current);
      this.current.send({ type: 'start' });
      const polling = await this.current.next('polling');
      if (polling === null) return;
      this.watcher.watch(loaded.ready.files);
      this.options.onLocationReloaded?.(this.location.name, loaded.ready.files);
      log(previous ? `${this.label}Reloaded definitions (${loaded.ready.assets} assets) after a change to ${shown}.` : `${this.label}Worker polling task queue "${polling.taskQueue}" with ${loaded.ready.steps} steps.`);
    })();
    await this.reloading;
    this.reloading = null;
    if (this.again !== null) {
      const next = this.again;
      this.again = null;
      await this.reload(next);
    }
  }

  private watchExit(worker: DevWorkerProcess): void {
    void worker.exited.then(() => {
      if (worker === this.current && !this.state.stopping) log(`${this.label}The worker process exited (${worker.child.signalCode ?? worker.child.exitCode}); save a file of the definitions to start it again.`);
    });
  }
}

/** The first worker of `stratum dev` could not load the definitions (the reason is printed above). */
export class DevWorkerLoadError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_WORKER_LOAD';

  constructor(defs: string) {
    super(`[STRATUM_DEV_WORKER_LOAD] The worker could not load ${defs} (see above); fix it and run \`stratum dev\` again.`);
  }
}
