import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { exited, startWorkerProcess } from '../cli-process';

/** What `stratum worker` prints once it polls (cli/commands/worker.ts). */
const READY_LINE = /polling task queue "/;

/** A `stratum worker --defs …` process of the cluster, started as a user would. */
export class StratumWorkerProcess {
  /** The worker's last output lines (stdout and stderr), for failure messages. */
  readonly output: string[] = [];
  readonly child: ChildProcess;

  constructor(
    /** Position in the cluster's `workers` list (what `killWorker(i)` takes). */
    readonly index: number,
    defsPath: string,
    env: NodeJS.ProcessEnv,
    args: readonly string[],
  ) {
    this.child = startWorkerProcess(defsPath, env, { output: this.output, args: [...args] });
  }

  /** Pid of the `stratum worker` process (its heap-capped child dies with it). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process runs. */
  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until the worker says it polls its task queue; throws with its output if it exits first or `timeoutMs` passes. */
  async ready(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!READY_LINE.test(this.output.join(''))) {
      if (!this.running()) throw new Error(`stratum worker ${this.index} exited (${this.child.signalCode ?? `code ${this.child.exitCode}`}) before polling:\n${this.output.join('').slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`stratum worker ${this.index} did not poll within ${timeoutMs} ms:\n${this.output.join('').slice(-3000)}`);
      await sleep(100);
    }
  }

  /** Sends `signal` (SIGKILL: a crash; SIGTERM: a graceful stop) and waits until the process has exited. */
  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    if (this.running()) this.child.kill(signal);
    await exited(this.child);
  }
}
