import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { MaterializationSummary, Plan, RunResult } from '../sdk/protocol/plan';
import { SENSOR, sensorWorkflowId, type AssetMaterializedEvent, type PlanNotifications, type RunStatusEvent } from '../sdk/protocol/sensor-contract';

/**
 * Sends a run's notifications (`plan.notify`) to sensor workflows: an `assetMaterialized` signal
 * per materialized asset partition a sensor watches, as soon as the step's result arrives, and a
 * `runStatus` signal with the run's summary when it ends. Signals are fire-and-forget: the run
 * never waits for them before scheduling more steps, and a sensor that is not running (a stopped
 * sensor misses events, as in Dagster) or fails to take the signal never fails the run. Call
 * {@link drain} before the workflow ends, so every signal has been delivered or refused first
 * (Temporal drops a signal still pending when its sender closes).
 */
export class SensorNotifier {
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly notify: PlanNotifications,
    private readonly workflowId: string,
  ) {}

  /** A step succeeded: tell the sensors watching the assets it materialized. */
  materialized(stepKey: string, materializations: readonly MaterializationSummary[]): void {
    const at = Date.now();
    for (const m of materializations) {
      const event: AssetMaterializedEvent = {
        assetKey: m.assetKey,
        partitionKey: m.partitionKey,
        runId: this.plan.runId,
        stepKey,
        dataVersion: m.dataVersion,
        materializedAt: at,
      };
      for (const sensor of this.notify.assetMaterialized[m.assetKey] ?? []) this.send(sensor, SENSOR.assetMaterializedSignal, event);
    }
  }

  /** The run ended: tell the run-status sensors that want this outcome. */
  finished(result: RunResult): void {
    const event: RunStatusEvent = {
      runId: this.plan.runId,
      workflowId: this.workflowId,
      job: this.plan.job,
      label: this.plan.label,
      status: result.status,
      assetKeys: this.plan.assetKeys,
      partitionKey: this.plan.partitionKey,
      partitionRange: this.plan.partitionRange,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      failedSteps: result.steps.filter((s) => s.status === 'failed').map((s) => ({ key: s.key, error: s.error })),
      skippedSteps: result.steps.filter((s) => s.status === 'skipped').map((s) => s.key),
      tags: this.plan.tags,
    };
    for (const { sensor, statuses } of this.notify.runStatus) {
      if (statuses.includes(result.status)) this.send(sensor, SENSOR.runStatusSignal, event);
    }
  }

  /** Resolves once every signal sent so far was delivered or refused (never rejects). */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }

  private send(sensor: string, signal: string, event: AssetMaterializedEvent | RunStatusEvent): void {
    this.pending.push(
      getExternalWorkflowHandle(sensorWorkflowId(sensor, this.plan.location))
        .signal(signal, event)
        .catch((error: unknown) => {
          log.info(`Sensor "${sensor}" did not take ${signal} (is it running?): ${error instanceof Error ? error.message : String(error)}`);
        }),
    );
  }
}
