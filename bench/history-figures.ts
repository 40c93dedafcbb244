/**
 * History figures of a workflow id across its runs (continue-as-new): what the large-plans and
 * cluster benchmarks report about Temporal's limits.
 */
import type { Client } from '@temporalio/client';

/** Sizes of every workflow run of one workflow id. */
export interface HistoryFigures {
  workflowRuns: number;
  maxEvents: number;
  totalEvents: number;
  maxHistoryBytes: number;
  largestPayloadBytes: number;
  largestPayload: string;
}

/** Every workflow run of `workflowId` (it may have continued-as-new): history lengths and the largest payload. */
export async function historyFigures(client: Client, workflowId: string): Promise<HistoryFigures> {
  const figures: HistoryFigures = { workflowRuns: 0, maxEvents: 0, totalEvents: 0, maxHistoryBytes: 0, largestPayloadBytes: 0, largestPayload: '' };
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const description = await client.workflow.getHandle(workflowId, execution.runId).describe();
    const events = (await client.workflow.getHandle(workflowId, execution.runId).fetchHistory()).events ?? [];
    figures.workflowRuns += 1;
    figures.maxEvents = Math.max(figures.maxEvents, events.length);
    figures.totalEvents += events.length;
    figures.maxHistoryBytes = Math.max(figures.maxHistoryBytes, Number(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0));
    for (const event of events) {
      const candidates: [string, { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined][] = [
        ['workflow input', event.workflowExecutionStartedEventAttributes?.input],
        ['workflow result', event.workflowExecutionCompletedEventAttributes?.result],
        ['run failure details', event.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.details],
        ['continue-as-new input', event.workflowExecutionContinuedAsNewEventAttributes?.input],
        ['local activity result', event.markerRecordedEventAttributes?.details?.result],
        ['activity input', event.activityTaskScheduledEventAttributes?.input],
        ['activity result', event.activityTaskCompletedEventAttributes?.result],
        ['child input', event.startChildWorkflowExecutionInitiatedEventAttributes?.input],
        ['child result', event.childWorkflowExecutionCompletedEventAttributes?.result],
      ];
      for (const [what, payloads] of candidates) {
        const bytes = (payloads?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0);
        if (bytes > figures.largestPayloadBytes) {
          figures.largestPayloadBytes = bytes;
          figures.largestPayload = what;
        }
      }
    }
  }
  return figures;
}

