import { z } from 'zod';
import { validateName } from './asset-key';
import { InvalidDefinitionError } from '../errors';
import type { GraphDefinition } from './graph';
import type { PartitionsDefinition } from '../partitions';
import type { ResourceRequirements } from './resource';
import { stepsOfGraph, type JobStepsDefinition } from './step-building';
import type { StepSpec } from './step-spec';

/** Options of {@link job}. */
export interface JobOptions {
  name: string;
  /** The ops to run. */
  graph: GraphDefinition<any>;
  description?: string;
  tags?: Record<string, string>;
  /** Default config per node name; run config given at launch wins field by field. */
  config?: Record<string, unknown>;
  /** Resources for this job's ops, over the ones in Definitions. */
  resources?: ResourceRequirements;
  /** Steps in flight at once. Default 16. */
  maxConcurrent?: number;
}

/** An executable graph of ops with its config and resources (Dagster's job). */
export class JobDefinition implements JobStepsDefinition {
  readonly kind = 'op-job' as const;
  constructor(readonly options: JobOptions) {
    validateName(options.name, 'job');
    validateMaxConcurrent(options.maxConcurrent, `job "${options.name}"`);
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

/** Defines an op job from a graph. */
export function job(options: JobOptions): JobDefinition {
  return new JobDefinition(options);
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
}

/** A named selection of assets materialized together (Dagster's `define_asset_job`). */
export class AssetJobDefinition implements JobStepsDefinition {
  readonly kind = 'asset-job' as const;
  constructor(readonly options: AssetJobOptions) {
    validateName(options.name, 'job');
    if (typeof options.selection !== 'string' || options.selection.trim() === '') {
      throw new InvalidDefinitionError(`asset job "${options.name}" needs a selection, e.g. selection: '*' or 'group:sales'.`);
    }
    validateMaxConcurrent(options.maxConcurrent, `job "${options.name}"`);
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
export type AnyJobDefinition = JobDefinition | AssetJobDefinition;

function validateMaxConcurrent(value: number | undefined, owner: string): void {
  if (value !== undefined && !z.number().int().min(1).safeParse(value).success) {
    throw new InvalidDefinitionError(`${owner}: maxConcurrent must be a whole number >= 1, got ${value}.`);
  }
}
