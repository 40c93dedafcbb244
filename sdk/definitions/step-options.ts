import type { z } from 'zod';
import type { Duration } from './duration';
import type { StepExecutionMode } from './execution-mode';
import type { ResourceRequirements } from './resource';
import type { RetryPolicy } from './retry-policy';

/** Options shared by everything that runs as a step: assets, multi-assets and ops. */
export interface StepOptions<TConfig extends z.ZodType | undefined, TResources extends ResourceRequirements | undefined> {
  /** Human description, shown in `stratum assets show` and the Temporal UI. */
  description?: string;
  /** Config the step accepts, as a zod schema; run config is validated against it before a run starts. */
  config?: TConfig;
  /** Resources the step uses, by reference: `{ warehouse }` makes `ctx.resources.warehouse` typed. */
  resources?: TResources;
  /** Retries of the step; default 3 attempts with exponential backoff from 1 s. */
  retry?: RetryPolicy;
  /** Longest one attempt may take before it is failed (and retried). Default `'1h'`. */
  timeout?: Duration;
  /**
   * A step that does not heartbeat for this long is considered lost (its worker died) and is
   * retried on another worker. Stratum heartbeats for you while the function runs. Default `'30s'`.
   */
  heartbeatTimeout?: Duration;
  /**
   * `'local'` runs the step as a Temporal local activity in the worker that runs the run (a few
   * ms per step instead of a task-queue round trip; no heartbeat; `timeout` at most `'1m'`,
   * default `'1m'`); `'activity'` as a regular activity. Default: the run's mode (its job's,
   * `Definitions`' or the request's), else `'activity'`. See {@link StepExecutionMode}.
   */
  executionMode?: StepExecutionMode;
  /** Free-form labels; selectable with `tag:KEY=VALUE`. */
  tags?: Record<string, string>;
}

/** `ctx.config` for a config schema. */
export type ConfigOf<TConfig> = TConfig extends z.ZodType ? z.output<TConfig> : Record<string, never>;

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;
