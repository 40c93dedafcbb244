import type { Connection, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import type { Duration } from '../sdk/definitions/duration';
import { defaultTaskQueue } from '../sdk/definitions/settings';
import { isServerUnreachable, retryBackoffMs, serverWaitMs, SERVER_WAIT_ENV, TemporalServerLostError } from './server-wait';

/**
 * Following a run's (or backfill's) workflow until it ends, through what a client cannot change
 * but must report: the Temporal server going away for a while (the client says so once, keeps
 * waiting up to a bound, and reports the true outcome when the server is back), and a workflow
 * task that no worker picks up (the client says which task queue needs a worker, and keeps waiting).
 */

/** Options of {@link followWorkflow}. */
export interface FollowWorkflowOptions {
  /** What is followed, for messages: `run stratum/run/…`. Default: `workflow <id>`. */
  what?: string;
  /** How long to keep waiting while the server does not answer. Default {@link serverWaitMs} (`STRATUM_SERVER_WAIT`, else 5 minutes). */
  serverWait?: Duration;
  /** How long a workflow task may wait for a worker before the client says so. Default 5 s. */
  noWorkerAfterMs?: number;
  /** Also look at the workflow's pending child workflows (a backfill's runs). Default false. */
  children?: boolean;
  /** Receives the lines to show the user. Default: stderr. */
  log?: (line: string) => void;
  /** How often the server is looked at while waiting. Default 2.5 s. */
  probeIntervalMs?: number;
}

/** Default for {@link FollowWorkflowOptions.noWorkerAfterMs}. */
export const DEFAULT_NO_WORKER_AFTER_MS = 5_000;

const PENDING_WORKFLOW_TASK_SCHEDULED = 1;
/** How many pending children one look examines. */
const CHILDREN_PER_PROBE = 3;

const stderrLine = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Calls `call` (e.g. `() => handle.result()`) until it settles with something other than "the
 * server is unreachable", while a monitor looks at the workflow every few seconds. Errors that
 * are answers (the run failed, not found, …) are rethrown at once.
 *
 * @throws TemporalServerLostError when the server stays unreachable for longer than the bound.
 *
 * @example
 * ```ts
 * const result = await followWorkflow(handle, () => handle.result(), { what: `run ${handle.workflowId}` });
 * ```
 */
export async function followWorkflow<T>(handle: WorkflowHandle, call: () => Promise<T>, options: FollowWorkflowOptions = {}): Promise<T> {
  const monitor = new WorkflowMonitor(handle, options);
  monitor.start();
  try {
    for (let attempt = 0; ; attempt += 1) {
      const pending = call();
      pending.catch(() => undefined); // may be left behind when the bound is exceeded
      try {
        const value = await Promise.race([pending, monitor.lost]);
        monitor.recovered();
        return value;
      } catch (error) {
        if (error instanceof TemporalServerLostError || !isServerUnreachable(error)) throw error;
        monitor.unreachable(error);
        await Promise.race([sleep(retryBackoffMs(attempt)), monitor.lost]);
      }
    }
  } finally {
    monitor.stop();
  }
}

/** Looks at one workflow every few seconds: reports outages and workflow tasks no worker takes. */
class WorkflowMonitor {
  private readonly what: string;
  private readonly waitMs: number;
  private readonly noWorkerAfterMs: number;
  private readonly probeIntervalMs: number;
  private readonly log: (line: string) => void;
  private readonly address: string;
  private outageSince: number | null = null;
  private reportedOutage = false;
  /** Scheduled time of the stalled workflow task last reported, so one stall is reported once. */
  private reportedStall: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private reject: (error: Error) => void = () => undefined;
  /** Rejects with {@link TemporalServerLostError} when the outage outlasts the bound; never resolves. */
  readonly lost: Promise<never>;

  constructor(
    private readonly handle: WorkflowHandle,
    private readonly options: FollowWorkflowOptions,
  ) {
    this.what = options.what ?? `workflow ${handle.workflowId}`;
    this.waitMs = serverWaitMs(options.serverWait);
    this.noWorkerAfterMs = options.noWorkerAfterMs ?? DEFAULT_NO_WORKER_AFTER_MS;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_500;
    this.log = options.log ?? stderrLine;
    this.address = (handle.client.connection as Partial<Connection>).options?.address ?? 'the configured address';
    this.lost = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    this.lost.catch(() => undefined);
  }

  start(): void {
    this.schedule(Math.min(this.probeIntervalMs, this.noWorkerAfterMs));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A call failed because the server did not answer. */
  unreachable(error: unknown): void {
    const now = Date.now();
    if (this.outageSince === null) this.outageSince = now;
    if (!this.reportedOutage) {
      this.reportedOutage = true;
      this.log(
        `Cannot reach the Temporal server at ${this.address} (${unreachableReason(error)}). ${capitalize(this.what)} goes on in the server; ` +
          `waiting up to ${formatWait(this.waitMs)} for the server to answer again (${SERVER_WAIT_ENV}).`,
      );
    }
    if (now - this.outageSince > this.waitMs) this.reject(new TemporalServerLostError(this.address, this.what, now - this.outageSince, { cause: error }));
  }

  /** The server answered. */
  recovered(): void {
    if (this.outageSince === null) return;
    const waited = Date.now() - this.outageSince;
    this.outageSince = null;
    if (this.reportedOutage) {
      this.reportedOutage = false;
      this.log(`The Temporal server at ${this.address} answers again (after ${Math.round(waited / 1000)} s); following ${this.what}.`);
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe().finally(() => this.schedule(this.probeIntervalMs)), ms);
    this.timer.unref?.();
  }

  private async probe(): Promise<void> {
    let description: WorkflowExecutionDescription;
    try {
      description = await this.describe(this.handle);
    } catch (error) {
      if (!this.stopped && isServerUnreachable(error)) this.unreachable(error);
      return;
    }
    if (this.stopped) return;
    this.recovered();
    if (description.status.name !== 'RUNNING') return;
    const stalled = stalledTask(description, this.noWorkerAfterMs) ?? (this.options.children ? await this.stalledChild(description) : null);
    if (this.stopped) return;
    if (stalled === null) {
      if (this.reportedStall !== null) this.log(`A worker picked up ${this.what}.`);
      this.reportedStall = null;
      return;
    }
    if (this.reportedStall !== null) return;
    this.reportedStall = stalled.scheduledAt;
    const queue = stalled.taskQueue;
    const queueOption = queue === defaultTaskQueue() ? '' : ` --task-queue ${queue}`;
    this.log(
      `No worker has picked up ${stalled.child ? `${stalled.child}, a run of ${this.what},` : this.what} for ${Math.round((Date.now() - stalled.scheduledAt) / 1000)} s: ` +
        `no live worker polls task queue "${queue}" (a worker that just stopped stays listed by Temporal for about a minute). ` +
        `Start one with \`stratum worker --defs <your definitions module>${queueOption}\`; still waiting.`,
    );
  }

  private async stalledChild(description: WorkflowExecutionDescription): Promise<Stall | null> {
    for (const child of (description.raw.pendingChildren ?? []).slice(0, CHILDREN_PER_PROBE)) {
      if (!child.workflowId) continue;
      try {
        const childHandle = this.handle.client.getHandle(child.workflowId, child.runId ?? undefined);
        const stalled = stalledTask(await this.describe(childHandle), this.noWorkerAfterMs);
        if (stalled !== null) return { ...stalled, child: `run ${child.workflowId}` };
      } catch {
        // finished or not started yet
      }
    }
    return null;
  }

  /** `describe()` bounded by a deadline, so a dead server shows within seconds, not after the SDK's own retries. */
  private describe(handle: WorkflowHandle): Promise<WorkflowExecutionDescription> {
    const connection = this.handle.client.connection;
    return connection.withDeadline(Date.now() + Math.max(2_000, this.probeIntervalMs), () => handle.describe());
  }
}

interface Stall {
  taskQueue: string;
  scheduledAt: number;
  child?: string;
}

/** The workflow's pending workflow task when it has waited for a worker for at least `afterMs`. */
function stalledTask(description: WorkflowExecutionDescription, afterMs: number): Stall | null {
  const task = description.raw.pendingWorkflowTask;
  if (!task || task.state !== PENDING_WORKFLOW_TASK_SCHEDULED) return null;
  const scheduled = timestampMs(task.originalScheduledTime ?? task.scheduledTime);
  if (scheduled === null || Date.now() - scheduled < afterMs) return null;
  return { taskQueue: description.taskQueue, scheduledAt: scheduled };
}

function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  return Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** "no answer within the deadline", or the innermost error's first line (e.g. `14 UNAVAILABLE: No connection established`). */
function unreachableReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if ((current as { code?: unknown })?.code === 4) return 'no answer in time';
  const text = current instanceof Error ? current.message : String(current);
  return text.split('\n')[0]!.slice(0, 200);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatWait(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
