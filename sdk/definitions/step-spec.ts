import type { z } from 'zod';
import type { BackfillPolicy } from './backfill-policy';
import type { OpContext } from './op-context';
import type { PartitionMapping, PartitionsDefinition } from '../partitions';
import type { ResourceDefinition } from './resource';
import type { ResolvedRetryPolicy } from './retry-policy';
import type { LocalExecution, StepExecutionMode } from './execution-mode';

/** Where one input of a step comes from. */
export type StepInputSource =
  /** An asset's stored value, through a partition mapping (null = the default mapping). */
  | { kind: 'asset'; assetKey: string; mapping: PartitionMapping | null; schema?: z.ZodType }
  /** The output of another step of the same run (ops in a graph). */
  | { kind: 'step'; stepKey: string; schema?: z.ZodType };

/** One value a step produces. */
export interface StepOutput {
  /** Output name: the asset key for assets, the output name for multi-assets, `result` for ops. */
  name: string;
  /** The asset stored, or null for an op output kept inside the run. */
  assetKey: string | null;
  schema?: z.ZodType;
  /** Key of the IO manager that stores it. */
  ioManager: string;
}

/**
 * Everything the planner and the step activity need about one executable step, whatever
 * definition it came from (asset, multi-asset, op node of a job or of a graph asset).
 */
export interface StepSpec {
  /** Unique key; also the Temporal activity type. */
  key: string;
  /** `observe`: the step of an observable source asset, which records a data version instead of storing a value. */
  kind: 'asset' | 'multi-asset' | 'op' | 'observe';
  /** Human name for messages: `asset "sales/orders"`, `op "clean" in job "etl"`. */
  owner: string;
  /** Assets this step materializes. */
  assetKeys: string[];
  /** The job an op step belongs to; null for asset steps. */
  job: string | null;
  inputs: Record<string, StepInputSource>;
  /** Assets this step runs after without reading them. */
  deps: { assetKey: string; mapping: PartitionMapping | null }[];
  outputs: StepOutput[];
  configSchema: z.ZodType | undefined;
  /** Default config (job-level), merged under run config. */
  defaultConfig: unknown;
  /** Resources by the key the op reads them under. */
  resources: Record<string, ResourceDefinition<any>>;
  /** Resource implementations that win over Definitions' for this step (job resources). */
  resourceOverrides: Record<string, ResourceDefinition<any>>;
  retry: ResolvedRetryPolicy;
  timeoutMs: number;
  heartbeatTimeoutMs: number;
  /** The step's own execution mode; undefined: the run's (see {@link StepExecutionMode}). */
  executionMode: StepExecutionMode | undefined;
  /** Its timeout as a local step, or why it cannot run as one. */
  local: LocalExecution;
  partitions: PartitionsDefinition | null;
  backfillPolicy: BackfillPolicy | null;
  codeVersion: string | null;
  description: string | null;
  fn: (inputs: Record<string, unknown>, ctx: OpContext<any, any>) => unknown;
}

/** One asset in the asset graph, whatever computes it. */
export interface AssetNode {
  key: string;
  /** The step that materializes it (for a graph asset, the step of its output node). */
  stepKey: string;
  /** Every step that must run to materialize it (several for a graph asset). */
  stepKeys: string[];
  group: string;
  owners: string[];
  tags: Record<string, string>;
  description: string | null;
  metadata: Record<string, unknown>;
  codeVersion: string | null;
  partitions: PartitionsDefinition | null;
  backfillPolicy: BackfillPolicy | null;
  /** Upstream assets, read (`input` set) or only depended on. */
  upstream: { assetKey: string; input: string | null; mapping: PartitionMapping | null }[];
  ioManager: string;
  /** What defines it, for messages. */
  definedBy: string;
  /** True for an observable source asset: Stratum observes its data version, user code produces it elsewhere. */
  observable?: boolean;
  /** Set for a {@link sourceAsset}: another workspace location materializes it; this one never runs it (no steps). */
  external?: { location: string | null };
}
