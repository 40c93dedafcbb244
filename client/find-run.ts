import type { Catalog, RunWithSteps } from '../sdk/catalog';

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
