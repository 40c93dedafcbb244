import { z } from 'zod';
import { validateName } from './asset-key';
import { InvalidDefinitionError } from '../errors';
import type { GraphDefinition } from './graph';
import type { PartitionsDefinition } from '../partitions';
import type { ResourceDefinition, ResourceRequirements, ResourceValueRequirements } from './resource';
import type { JobDefaultConfigOfNodes, RequiredResourcesOfNodes, RunConfigOfNodes } from './run-config';
import { stepsOfGraph, type JobStepsDefinition } from './step-building';
import type { StepSpec } from './step-spec';
import { validateExecutionMode, type StepExecutionMode } from './execution-mode';

/** Options of {@link job}. */
export interface JobOptions {
  name: string;
  /** The ops to run. */
  graph: GraphDefinition<any, any>;
  description?: string;
  tags?: Record<string, string>;
  /** Default config per node name; run config given at launch wins field by field. */
  config?: Record<string, unknown>;
  /** Resources for this job's ops, over the ones in Definitions. */
  resources?: ResourceRequirements;
  /** Steps in flight at once. Default 16. */
  maxConcurrent?: number;
  /** How the job's steps run unless a step says otherwise; default `Definitions`' (see {@link StepExecutionMode}). */
  executionMode?: StepExecutionMode;
}

/**
 * An executable graph of ops with its config and resources (Dagster's job). `TRunConfig` is the
 * run config it takes (typed from its ops' schemas when its graph's type knows the nodes) and
 * `TRequired` the resources `Definitions` must bind for it.
 */
export class JobDefinition<TRunConfig = Record<string, unknown>, TRequired = Record<never, never>> implements JobStepsDefinition {
  readonly kind = 'op-job' as const;
  /** Type-only: the run config it takes. */
  declare readonly _runConfig?: TRunConfig;
  /** Type-only: the resources it requires (its ops', less its own `resources`), by key and value type. */
  declare readonly _requiredResources?: TRequired;
  constructor(readonly options: JobOptions) {
    validateName(options.name, 'job');
    validateMaxConcurrent(options.maxConcurrent, `job "${options.name}"`);
    validateExecutionMode(options.executionMode, `job "${options.name}"`, 'definition');
  }
  get name(): string {
    return this.options.name;
  }

  /** One step per node (`<job>.<node>`), with the job's config and resources as defaults. */
  buildSteps(): StepSpec[] {
    return stepsOfGraph(this.options.graph, { job: this.name, keyOf: (node) => this.configStepKey(node), assetKey: null }).map((step) => {
      const node = step.key.slice(this.name.length + 1);
      return { ...step, defaultConfig: this.options.config?.[node], resourceOverrides: { ...(this.options.resources ?? {}) } };
    });
  }

  /** The step of a node: `<job>.<node>`. */
  configStepKey(node: string): string {
    return `${this.name}.${node}`;
  }
}

/** Options of {@link job}, typed by the graph's nodes. */
export type TypedJobOptions<TNodes, TDefaults, TResources> = Omit<JobOptions, 'graph' | 'config' | 'resources'> & {
  /** The ops to run. */
  graph: GraphDefinition<any, TNodes>;
  /** Default config per node name (each op's `z.input`, any of its fields); run config given at launch wins field by field. */
  config?: TDefaults;
  /** Resources for this job's ops, over the ones in Definitions; each must fit what the ops declare. */
  resources?: TResources & { readonly [K in keyof RequiredResourcesOfNodes<TNodes>]?: ResourceDefinition<RequiredResourcesOfNodes<TNodes>[K]> };
};

/**
 * Defines an op job from a graph. When the graph's type knows its nodes (its build function
 * returns the last node's output), the job's config, and the config of schedules and run
 * requests naming it by reference, is typed by node name from the ops' zod schemas (`z.input`),
 * and `Definitions` must bind the resources its ops declare (less the job's own `resources`).
 *
 * @example
 * const etl = graph('etl', (g) => g.add(load, { rows: g.add(extract) }));
 * const etlJob = job({ name: 'etl_job', graph: etl, config: { extract: { source: 'db' } } });
 */
export function job<TNodes, const TDefaults extends JobDefaultConfigOfNodes<TNodes> = Record<never, never>, TResources extends ResourceRequirements = Record<never, never>>(
  options: TypedJobOptions<TNodes, TDefaults, TResources>,
): JobDefinition<RunConfigOfNodes<TNodes, TDefaults>, Omit<RequiredResourcesOfNodes<TNodes>, keyof ResourceValueRequirements<TResources>>> {
  return new JobDefinition(options as JobOptions);
}

/** Options of {@link assetJob}. */
export interface AssetJobOptions {
  name: string;
  /** Which assets, in selection syntax: `'*'`, `'orders+'`, `'group:sales'`, `'a, b'`. */
  selection: string;
  description?: string;
  tags?: Record<string, string>;
  /** Default config per asset key. */
  config?: Record<string, unknown>;
  /** Partitions of the job's assets (for schedules and backfills); defaults to theirs. */
  partitions?: PartitionsDefinition;
  maxConcurrent?: number;
  /** How the job's steps run unless a step says otherwise; default `Definitions`' (see {@link StepExecutionMode}). */
  executionMode?: StepExecutionMode;
}

/** A named selection of assets materialized together (Dagster's `define_asset_job`). */
export class AssetJobDefinition implements JobStepsDefinition {
  readonly kind = 'asset-job' as const;
  /** Type-only: its run config, keyed by asset key (untyped: the selection is a string). */
  declare readonly _runConfig?: Record<string, unknown>;
  constructor(readonly options: AssetJobOptions) {
    validateName(options.name, 'job');
    if (typeof options.selection !== 'string' || options.selection.trim() === '') {
      throw new InvalidDefinitionError(`asset job "${options.name}" needs a selection, e.g. selection: '*' or 'group:sales'.`);
    }
    validateMaxConcurrent(options.maxConcurrent, `job "${options.name}"`);
    validateExecutionMode(options.executionMode, `job "${options.name}"`, 'definition');
  }
  get name(): string {
    return this.options.name;
  }

  /** None of its own: it runs the steps of the assets it selects. */
  buildSteps(): StepSpec[] {
    return [];
  }

  /** Config is keyed by asset key, which is the step key. */
  configStepKey(assetKey: string): string {
    return assetKey;
  }
}

/** Defines a job that materializes a selection of assets. */
export function assetJob(options: AssetJobOptions): AssetJobDefinition {
  return new AssetJobDefinition(options);
}

/** Any job. */
export type AnyJobDefinition = JobDefinition<any, any> | AssetJobDefinition;

function validateMaxConcurrent(value: number | undefined, owner: string): void {
  if (value !== undefined && !z.number().int().min(1).safeParse(value).success) {
    throw new InvalidDefinitionError(`${owner}: maxConcurrent must be a whole number >= 1, got ${value}.`);
  }
}
