import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { portOpen } from './free-ports';
import { CLUSTER_CONFIG_ENV, type ServicePorts, type TemporalService } from './server-config';

/** How long a service may take to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/** One Temporal service (`server … start --service NAME`) running as its own process. */
export class ServiceProcess {
  /** The running process; replaced by {@link ServiceProcess.restart}. */
  child: ChildProcess | null = null;
  /** How many times the process was started (1 after the first start). */
  starts = 0;

  constructor(
    readonly name: TemporalService,
    readonly ports: ServicePorts,
    /** The server binary. */
    private readonly server: string,
    /** `--root` of the server (the config is `<root>/config/cluster.yaml`). */
    private readonly root: string,
    /** File the process's output is appended to. */
    readonly logFile: string,
  ) {}

  /** Pid of the running process, or null. */
  get pid(): number | null {
    return this.running() ? (this.child?.pid ?? null) : null;
  }

  /** Whether the process runs. */
  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * The port that accepts connections once the service runs: its gRPC port, except for the worker
   * service, which serves no gRPC (it only joins the membership ring, on its membership port).
   */
  get readinessPort(): number {
    return this.name === 'worker' ? this.ports.membershipPort : this.ports.grpcPort;
  }

  /** Starts the process and waits until its {@link ServiceProcess.readinessPort} accepts connections (at most `timeoutMs`). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running()) throw new Error(`Temporal ${this.name} is already running (pid ${this.pid}).`);
    const out = fs.openSync(this.logFile, 'a');
    fs.writeSync(out, `\n=== ${new Date().toISOString()} starting ${this.name}\n`);
    const child = spawn(this.server, ['--root', this.root, '--config', 'config', '--env', CLUSTER_CONFIG_ENV, '--allow-no-auth', 'start', '--service', this.name], {
      cwd: this.root,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    let spawnError: Error | null = null;
    child.once('error', (error) => (spawnError = error));
    this.child = child;
    this.starts += 1;
    const deadline = Date.now() + timeoutMs;
    while (!(await portOpen(this.readinessPort))) {
      if (spawnError) throw new Error(`Could not run ${this.server} for Temporal ${this.name}: ${(spawnError as Error).message}`);
      if (!this.running()) throw new Error(`Temporal ${this.name} exited (${child.signalCode ?? `code ${child.exitCode}`}) while starting:\n${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`Temporal ${this.name} did not listen on 127.0.0.1:${this.readinessPort} within ${timeoutMs} ms:\n${this.logTail()}`);
      await sleep(100);
    }
  }

  /**
   * Stops the process: `SIGTERM` (Temporal's graceful shutdown, killed after 10 s) or `SIGKILL`
   * (a crash). Resolves once it has exited.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), signal === 'SIGKILL' ? 0 : STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Stops (see {@link ServiceProcess.stop}) and starts the process again on the same ports. */
  async restart(options: { signal?: 'SIGTERM' | 'SIGKILL'; timeoutMs?: number } = {}): Promise<void> {
    await this.stop(options.signal ?? 'SIGTERM');
    await this.start(options.timeoutMs);
  }

  /** Kills the process at once, synchronously (for `process.on('exit')`). */
  killNow(): void {
    if (this.running()) this.child!.kill('SIGKILL');
  }

  /** The last lines of the service's log. */
  logTail(lines = 30): string {
    try {
      // Temporal logs JSON lines with long stack traces: keep the start of each.
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l)).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** `<dataDir>/logs/<service>.log`. */
export function serviceLogFile(dataDir: string, name: string): string {
  return path.join(dataDir, 'logs', `${name}.log`);
}
