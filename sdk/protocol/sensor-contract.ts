/**
 * Sensor contract shared by the `sensor` workflow, the `materialize` workflow (which notifies
 * asset and run-status sensors), the sensor activities, the CLI and app-code helpers. Pure types
 * and constants: workflow code imports this file, so it must never import anything with I/O.
 */
import type { PlanPartitionRange } from './plan';
import { locationIdPrefix } from './location';

/** Workflow type, signal, update, query and activity names of sensors. */
export const SENSOR = {
  /** Workflow type of every sensor's long-running workflow. */
  workflowType: 'sensor',
  /** Signal carrying an external trigger payload (`{@link TriggerPayload}`). */
  triggerSignal: 'stratum.sensor.trigger',
  /** Update carrying an external trigger payload, answered when the sensor has queued it. */
  triggerUpdate: 'stratum.sensor.triggerUpdate',
  /** Signal from a run: an asset the sensor watches was materialized (`{@link AssetMaterializedEvent}`). */
  assetMaterializedSignal: 'stratum.sensor.assetMaterialized',
  /** Signal from a run: a run the sensor watches finished (`{@link RunStatusEvent}`). */
  runStatusSignal: 'stratum.sensor.runStatus',
  /** Signal asking the sensor to stop after the evaluation in progress. */
  stopSignal: 'stratum.sensor.stop',
  /** Signal carrying new settings from the code (`{@link SensorSettings}`), sent by `stratum deploy`. */
  configureSignal: 'stratum.sensor.configure',
  /** Query answered with the sensor's state. */
  stateQuery: 'stratum.sensor.state',
  /** Local activity of a run: the sensors of other locations watching its assets ({@link SensorWatchersInput} → {@link SensorWatcher}[]). */
  watchersActivity: 'stratum.sensor.watchers',
} as const;

/** Input of {@link SENSOR.watchersActivity}: the run's asset keys and its own location (whose sensors the plan names already). */
export interface SensorWatchersInput {
  assetKeys: string[];
  location: string;
  /**
   * Set by runs whose plan has `notify.otherLocationRuns`: also return the run-status sensors of
   * other locations monitoring this run (its location and job, `null` for an ad-hoc selection).
   */
  run?: { job: string | null };
}

/**
 * A sensor of another location watching an asset of the run, or (with `runStatuses`) monitoring
 * the run itself (registered in the shared catalog by that location's workers).
 */
export type SensorWatcher = AssetSensorWatcher | RunStatusSensorWatcher;

/** A sensor of another location watching an asset the run may materialize. */
export interface AssetSensorWatcher {
  location: string;
  sensor: string;
  assetKey: string;
}

/** A run-status sensor of another location monitoring the run, with the run outcomes it wants. */
export interface RunStatusSensorWatcher {
  location: string;
  sensor: string;
  runStatuses: RunStatusEvent['status'][];
}

/** Workflow id of a sensor: `stratum/sensor/<name>` (`stratum@<location>/sensor/<name>` in a named location). */
export function sensorWorkflowId(name: string, location?: string): string {
  return `${locationIdPrefix(location)}sensor/${name}`;
}

/** What an external trigger carries: the payload (checked against the sensor's zod schema) and an optional id. */
export interface TriggerPayload {
  payload: unknown;
  /** The sender's id for this trigger (shown in the sensor's state); default: assigned by the sensor. */
  triggerId?: string;
}

/** The settings of a running sensor that come from its definition and can change on deploy. */
export interface SensorSettings {
  /** Polling interval in ms, or null: only triggers. */
  everyMs: number | null;
  /** Start-to-close timeout of one evaluation, in ms. */
  evaluationTimeoutMs: number;
}

/** Sent by a run to the asset sensors watching an asset, once per materialized asset partition. */
export interface AssetMaterializedEvent {
  assetKey: string;
  partitionKey: string | null;
  /** The run that materialized it, and its step. */
  runId: string;
  stepKey: string;
  dataVersion: string;
  /** Epoch ms (workflow time when the step's result arrived). */
  materializedAt: number;
}

/** Sent by a run, when it finishes, to the run-status sensors watching it: the run's summary. */
export interface RunStatusEvent {
  runId: string;
  workflowId: string;
  /** Job name, or null for an ad-hoc selection. */
  job: string | null;
  /** Job name or selection, as in the workflow id. */
  label: string;
  status: 'succeeded' | 'failed' | 'canceled';
  /** The run's workspace location; absent for the default location (and in events of older runs). */
  location?: string;
  assetKeys: string[];
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /** Steps that failed, with their error messages. */
  failedSteps: { key: string; error: string | null }[];
  /** Steps skipped because an upstream step failed. */
  skippedSteps: string[];
  tags: Record<string, string>;
}

/** One reason the sensor workflow has to evaluate. */
export type SensorTrigger =
  | { kind: 'payload'; triggerId: string; payload: unknown; receivedAt: number }
  | { kind: 'tick'; at: number }
  | { kind: 'asset-materialized'; event: AssetMaterializedEvent }
  | { kind: 'run-status'; event: RunStatusEvent };

/**
 * Who a run notifies. Set by the planner from the definitions' asset sensors, eager automation
 * and run-status sensors; absent (or empty) in plans that notify nobody, so those runs behave
 * exactly as before.
 */
export interface PlanNotifications {
  /** Asset key → names of the sensors to signal when a step of this run materializes that asset. */
  assetMaterialized: Record<string, string[]>;
  /** Sensors to signal when the run finishes, each with the run statuses it wants. */
  runStatus: { sensor: string; statuses: RunStatusEvent['status'][] }[];
  /**
   * Set in plans of a named workspace location: the run also asks the shared catalog (once, by
   * {@link SENSOR.watchersActivity}) which sensors of other locations watch its assets, and
   * signals them as it signals its own. Absent in older plans, which replay unchanged.
   */
  otherLocations?: true;
  /**
   * Set in plans of a named workspace location (by the planner since run-status sensors could
   * monitor other locations): the same lookup also returns the run-status sensors of other
   * locations monitoring this run (`monitoredLocations`, `monitorAllLocations`, `jobs: [{ location,
   * job }]`), and the run signals those wanting its outcome when it ends. Absent in older plans,
   * which replay unchanged.
   */
  otherLocationRuns?: true;
}
