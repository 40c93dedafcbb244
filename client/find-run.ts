import type { Catalog, RunWithSteps } from '../sdk/catalog';
import { AmbiguousRunIdError, UnknownRunError } from './client-errors';

/** Recent runs searched for a workflow id that does not end with the run id (a schedule's tick, `stratum/schedule/<name>-<time>`). */
const WORKFLOW_ID_SCAN = 10_000;

/** A run of the catalog by run id or by workflow id (`stratum/…`), with its steps; null when the catalog has none. */
export async function findRun(catalog: Catalog, idOrWorkflowId: string): Promise<RunWithSteps | null> {
  const isWorkflowId = idOrWorkflowId.startsWith('stratum/');
  const run = await catalog.getRun(isWorkflowId ? idOrWorkflowId.split('/').pop()! : idOrWorkflowId);
  if (run && (!isWorkflowId || run.workflowId === idOrWorkflowId)) return run;
  if (!isWorkflowId) return null;
  const match = (await catalog.listRuns({ limit: WORKFLOW_ID_SCAN })).find((r) => r.workflowId === idOrWorkflowId);
  return match ? catalog.getRun(match.runId) : null;
}

/**
 * A run by run id, workflow id, or a unique prefix of its run id (among the newest 10,000 runs).
 *
 * @throws UnknownRunError when no run matches.
 * @throws AmbiguousRunIdError when the prefix matches several runs.
 */
export async function resolveRun(catalog: Catalog, idOrPrefix: string): Promise<RunWithSteps> {
  const exact = await findRun(catalog, idOrPrefix);
  if (exact) return exact;
  if (idOrPrefix.length > 0 && !idOrPrefix.startsWith('stratum/')) {
    const matches = (await catalog.listRuns({ limit: WORKFLOW_ID_SCAN })).filter((r) => r.runId.startsWith(idOrPrefix)).map((r) => r.runId);
    if (matches.length > 1) throw new AmbiguousRunIdError(idOrPrefix, matches.slice(0, 11));
    if (matches.length === 1) {
      const run = await catalog.getRun(matches[0]!);
      if (run) return run;
    }
  }
  throw new UnknownRunError(idOrPrefix);
}
