import type { Client } from '@temporalio/client';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';

/** One backfill as `stratum backfill list` shows it. */
export interface BackfillListRow {
  backfillId: string;
  /** Status of its latest workflow run (a long backfill continues-as-new). */
  status: string;
  /** Epoch ms the backfill started (its first workflow run). */
  startedAt: number;
  summary: string | null;
}

/**
 * The backfills of a task queue, newest first. Sorted here, not by the server: the dev server's
 * SQLite visibility store refuses `ORDER BY` ("operation is not supported: 'order by' clause"),
 * and a backfill that continued-as-new lists one execution per workflow run, folded into one row.
 *
 * @example
 * const rows = await listBackfills(client, { taskQueue: 'stratum', limit: 20 });
 */
export async function listBackfills(client: Client, options: { taskQueue: string; limit: number }): Promise<BackfillListRow[]> {
  const byId = new Map<string, BackfillListRow & { latest: number }>();
  const query = `StratumKind = 'backfill' AND TaskQueue = '${options.taskQueue.replace(/'/g, "\\'")}'`;
  for await (const w of client.workflow.list({ query })) {
    const backfillId = String(w.typedSearchAttributes.get(StratumSearchAttributes.backfillId) ?? w.workflowId.split('/').pop());
    const started = w.startTime.getTime();
    const known = byId.get(w.workflowId);
    if (!known) {
      byId.set(w.workflowId, { backfillId, status: w.status.name, startedAt: started, summary: null, latest: started });
      continue;
    }
    if (started > known.latest) Object.assign(known, { status: w.status.name, latest: started });
    if (started < known.startedAt) known.startedAt = started;
  }
  return [...byId.values()]
    .sort((a, b) => b.startedAt - a.startedAt)
    .slice(0, options.limit)
    .map(({ latest: _latest, ...row }) => row);
}
