import { getExternalWorkflowHandle, log, proxyLocalActivities } from '@temporalio/workflow';
import type { MaterializationSummary, Plan, RunResult } from '../sdk/protocol/plan';
import { isNamedLocation } from '../sdk/protocol/location';
import {
  SENSOR,
  sensorWorkflowId,
  type AssetMaterializedEvent,
  type PlanNotifications,
  type RunStatusEvent,
  type SensorWatcher,
  type SensorWatchersInput,
} from '../sdk/protocol/sensor-contract';

const watcherActivities = proxyLocalActivities({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3, initialInterval: '200ms' } }) as unknown as Record<
  typeof SENSOR.watchersActivity,
  (input: SensorWatchersInput) => Promise<SensorWatcher[]>
>;

/**
 * Sends a run's notifications (`plan.notify`) to sensor workflows: an `assetMaterialized` signal
 * per materialized asset partition a sensor watches, as soon as the step's result arrives, and a
 * `runStatus` signal with the run's summary when it ends. Signals are fire-and-forget: the run
 * never waits for them before scheduling more steps, and a sensor that is not running (a stopped
 * sensor misses events, as in Dagster) or fails to take the signal never fails the run. Call
 * {@link drain} before the workflow ends, so every signal has been delivered or refused first
 * (Temporal drops a signal still pending when its sender closes).
 *
 * With `notify.otherLocations` (plans of a named workspace location) the notifier also asks the
 * shared catalog, once and as the run starts, which sensors of other locations watch the run's
 * assets (one local activity, in parallel with the run's first steps), and signals them too, by
 * their location's workflow ids: no worker loads another location's code. With
 * `notify.otherLocationRuns` the same lookup also returns the run-status sensors of other
 * locations monitoring the run (by its location and job), signalled when the run ends with an
 * outcome they want; the event then carries the run's `location`.
 */
export class SensorNotifier {
  private readonly pending: Promise<void>[] = [];
  /** Sensors of other locations watching the run's assets, once looked up (empty when the lookup failed). */
  private readonly abroad: Promise<SensorWatcher[]> | null;

  constructor(
    private readonly plan: Plan,
    private readonly notify: PlanNotifications,
    private readonly workflowId: string,
  ) {
    // Plans without `otherLocationRuns` (older ones) send exactly the lookup they always sent.
    const input: SensorWatchersInput | null = !plan.location
      ? null
      : notify.otherLocationRuns
        ? { assetKeys: notify.otherLocations ? plan.assetKeys : [], location: plan.location, run: { job: plan.job } }
        : notify.otherLocations
          ? { assetKeys: plan.assetKeys, location: plan.location }
          : null;
    this.abroad =
      input !== null
        ? watcherActivities[SENSOR.watchersActivity](input).catch((error: unknown) => {
            log.warn(`Could not look up the sensors of other locations watching this run; they are not signalled: ${error instanceof Error ? error.message : String(error)}`);
            return [];
          })
        : null;
  }

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
    if (this.abroad !== null && materializations.length > 0) {
      this.pending.push(
        this.abroad.then((watchers) => {
          for (const m of materializations) {
            const event: AssetMaterializedEvent = { assetKey: m.assetKey, partitionKey: m.partitionKey, runId: this.plan.runId, stepKey, dataVersion: m.dataVersion, materializedAt: at };
            for (const w of watchers) if ('assetKey' in w && w.assetKey === m.assetKey) this.send(w.sensor, SENSOR.assetMaterializedSignal, event, w.location);
          }
        }),
      );
    }
  }

  /** The run ended: tell the run-status sensors that want this outcome (of other locations too, with `notify.otherLocationRuns`). */
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
    if (this.notify.otherLocationRuns && isNamedLocation(this.plan.location)) event.location = this.plan.location;
    for (const { sensor, statuses } of this.notify.runStatus) {
      if (statuses.includes(result.status)) this.send(sensor, SENSOR.runStatusSignal, event);
    }
    if (this.notify.otherLocationRuns && this.abroad !== null) {
      this.pending.push(
        this.abroad.then((watchers) => {
          for (const w of watchers) if ('runStatuses' in w && w.runStatuses.includes(result.status)) this.send(w.sensor, SENSOR.runStatusSignal, event, w.location);
        }),
      );
    }
  }

  /** Resolves once every signal sent so far was delivered or refused (never rejects). */
  async drain(): Promise<void> {
    // Signals to other locations are sent once their lookup resolves: wait for those too.
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  private send(sensor: string, signal: string, event: AssetMaterializedEvent | RunStatusEvent, location: string | undefined = this.plan.location): void {
    this.pending.push(
      getExternalWorkflowHandle(sensorWorkflowId(sensor, location))
        .signal(signal, event)
        .catch((error: unknown) => {
          log.info(`Sensor "${sensor}" did not take ${signal} (is it running?): ${error instanceof Error ? error.message : String(error)}`);
        }),
    );
  }
}
