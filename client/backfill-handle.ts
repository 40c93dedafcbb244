import type { WorkflowHandle } from '@temporalio/client';
import { BACKFILL, type BackfillProgress } from '../sdk/protocol/backfill';
import { followWorkflow, type FollowWorkflowOptions } from './follow-workflow';

/** A running (or finished) backfill, as app code and the CLI see it. */
export interface BackfillHandle {
  backfillId: string;
  /** `stratum/backfill/<id>`. */
  workflowId: string;
  /** Child runs counted when the backfill started (after `only`); -1 when not known to this handle. */
  total: number;
  /** Asset partitions it will run (graph backfills; null when started by an older version). */
  assetPartitions: number | null;
  handle: WorkflowHandle;
  /** Live progress, from the workflow's query. */
  progress(): Promise<BackfillProgress>;
  /** Stops launching child runs; running ones finish. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops launching and cancels the child runs in flight. */
  cancel(): Promise<void>;
  /**
   * Waits for the end; the final progress says completed, completed_with_failures or canceled.
   * Follows the backfill through a server outage (up to `STRATUM_SERVER_WAIT`) and says when no
   * worker picks up the backfill or one of its runs (see `followWorkflow`).
   */
  result(options?: FollowWorkflowOptions): Promise<BackfillProgress>;
}

/** A {@link BackfillHandle} over a backfill workflow's handle. */
export function backfillHandle(backfillId: string, handle: WorkflowHandle, total: number, assetPartitions: number | null = null): BackfillHandle {
  return {
    backfillId,
    workflowId: handle.workflowId,
    total,
    assetPartitions,
    handle,
    progress: () => handle.query<BackfillProgress>(BACKFILL.progressQuery),
    pause: () => handle.signal(BACKFILL.pauseSignal),
    resume: () => handle.signal(BACKFILL.resumeSignal),
    cancel: () => handle.signal(BACKFILL.cancelSignal),
    result: (options = {}) =>
      followWorkflow(handle, () => handle.result() as Promise<BackfillProgress>, { what: `backfill ${backfillId}`, children: true, ...options }),
  };
}

/** A readable, sortable backfill id: `20240301-120000-ab12`. */
export function newBackfillId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
