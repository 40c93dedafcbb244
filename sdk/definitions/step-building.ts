import type { z } from 'zod';
import { isAssetInput, type AssetInputSpec, type AssetRef } from './asset-ref';
import { durationToMs } from './duration';
import { executionModeOf } from './execution-mode';
import { InvalidDefinitionError } from '../errors';
import type { GraphDefinition } from './graph';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import type { PartitionMapping } from '../partitions';
import type { ResourceDefinition } from './resource';
import { resolveRetryPolicy } from './retry-policy';
import type { AssetNode, StepInputSource, StepSpec } from './step-spec';
import type { StepOptions } from './step-options';

/**
 * What every kind that defines assets (asset, multi-asset, graph asset, observable source asset)
 * gives {@link Definitions}: its nodes in the asset graph and its executable steps. Each kind
 * builds its own, so `Definitions` only collects them.
 */
export interface AssetsDefinition {
  /** Every asset this definition defines. */
  buildNodes(): AssetNode[];
  /** Every step this definition runs (one per op for a graph asset). */
  buildSteps(): StepSpec[];
}

/** What every job kind gives {@link Definitions}: the steps it adds (none for an asset job) and its config keys. */
export interface JobStepsDefinition {
  readonly name: string;
  /** The steps only this job runs: one per node of an op job; an asset job runs its assets' steps. */
  buildSteps(): StepSpec[];
  /** The step key a key of the job's `config` names (node name in an op job, asset key in an asset job). */
  configStepKey(configKey: string): string;
}

/** Whether `value` defines assets (made by `asset()`, `multiAsset()`, `graphAsset()` or `observableSourceAsset()`). */
export function isAssetsDefinition(value: unknown): value is AssetsDefinition {
  const v = value as Partial<AssetsDefinition> | null;
  return typeof v === 'object' && v !== null && typeof v.buildNodes === 'function' && typeof v.buildSteps === 'function';
}

/** Whether `value` is a job (made by `job()` or `assetJob()`). */
export function isJobStepsDefinition(value: unknown): value is JobStepsDefinition {
  const v = value as Partial<JobStepsDefinition> | null;
  return typeof v === 'object' && v !== null && typeof v.buildSteps === 'function' && typeof v.configStepKey === 'function';
}

const DEFAULT_TIMEOUT = '1h';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

/** How an asset's options describe it (every field optional), as assets, graph assets and multi-asset outputs take them. */
export interface AssetDescriptionOptions {
  group?: string;
  owners?: readonly string[];
  tags?: Record<string, string>;
  description?: string;
  metadata?: Record<string, unknown>;
  codeVersion?: string;
}

/** The descriptive fields of an asset node, defaults filled in: group `default`, no owners, tags or metadata. */
export function nodeDescriptionOf(o: AssetDescriptionOptions): Pick<AssetNode, 'group' | 'owners' | 'tags' | 'description' | 'metadata' | 'codeVersion'> {
  return {
    group: o.group ?? 'default',
    owners: [...(o.owners ?? [])],
    tags: { ...(o.tags ?? {}) },
    description: o.description ?? null,
    metadata: { ...(o.metadata ?? {}) },
    codeVersion: o.codeVersion ?? null,
  };
}

/** The partition mapping of one `ins` entry (null = the default mapping). */
export function mappingOf(spec: AssetInputSpec): PartitionMapping | null {
  return isAssetInput(spec) ? spec.mapping : null;
}

/** The asset one `ins` entry reads. */
export function refOf(spec: AssetInputSpec): AssetRef<any> {
  return isAssetInput(spec) ? spec.asset : (spec as AssetRef<any>);
}

/** The upstream edges of an asset's `ins`. */
export function upstreamOfIns(ins: Record<string, AssetInputSpec> | undefined): AssetNode['upstream'] {
  return Object.entries(ins ?? {}).map(([input, spec]) => ({ assetKey: refOf(spec).assetKey, input, mapping: mappingOf(spec) }));
}

/** The step inputs of an asset's `ins`: stored asset values read through their mappings. */
export function stepInputsOfIns(ins: Record<string, AssetInputSpec> | undefined): Record<string, StepInputSource> {
  return Object.fromEntries(upstreamOfIns(ins).map((up) => [up.input!, { kind: 'asset', assetKey: up.assetKey, mapping: up.mapping } satisfies StepInputSource]));
}

/** The assets of `deps`, by reference, key or `{ asset, mapping }`. */
export function depsOf(deps: readonly unknown[] | undefined): { assetKey: string; mapping: PartitionMapping | null }[] {
  return (deps ?? []).map((dep) => {
    if (typeof dep === 'string') return { assetKey: dep, mapping: null };
    const withMapping = dep as { asset?: AssetRef | string; mapping?: PartitionMapping; assetKey?: string };
    if (withMapping.asset !== undefined) {
      const target = withMapping.asset;
      return { assetKey: typeof target === 'string' ? target : target.assetKey, mapping: withMapping.mapping ?? null };
    }
    return { assetKey: (dep as AssetRef).assetKey, mapping: null };
  });
}

/** The upstream edges of `ins` and `deps` together. */
export function upstreamOf(ins: Record<string, AssetInputSpec> | undefined, deps: readonly unknown[] | undefined): AssetNode['upstream'] {
  return [...upstreamOfIns(ins), ...depsOf(deps).map((d) => ({ ...d, input: null }))];
}

/** Retry policy, timeouts, config schema, resources and description of a step, from its options. */
export function executionOf(owner: string, options: StepOptions<any, any>) {
  return {
    retry: resolveRetryPolicy(options.retry, owner),
    timeoutMs: durationToMs(options.timeout ?? DEFAULT_TIMEOUT, `${owner}: timeout`),
    heartbeatTimeoutMs: durationToMs(options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT, `${owner}: heartbeatTimeout`),
    ...executionModeOf(owner, options),
    configSchema: options.config as z.ZodType | undefined,
    resources: { ...((options.resources ?? {}) as Record<string, ResourceDefinition<any>>) },
    description: options.description ?? null,
  };
}

/** What an asset's or a multi-asset's options say about its one step, beyond what {@link stepOfAssetOptions} fills in. */
export interface AssetStepParts {
  key: string;
  kind: 'asset' | 'multi-asset';
  owner: string;
  assetKeys: string[];
  outputs: StepSpec['outputs'];
  partitions: StepSpec['partitions'];
  fn: StepSpec['fn'];
}

/**
 * The one step of an asset or multi-asset: its inputs and deps, execution settings, backfill
 * policy and code version from its options, with no job, default config or resource overrides.
 */
export function stepOfAssetOptions(
  parts: AssetStepParts,
  o: StepOptions<any, any> & { ins?: Record<string, AssetInputSpec>; deps?: readonly unknown[]; backfillPolicy?: StepSpec['backfillPolicy']; codeVersion?: string },
): StepSpec {
  return {
    key: parts.key,
    kind: parts.kind,
    owner: parts.owner,
    assetKeys: parts.assetKeys,
    job: null,
    inputs: stepInputsOfIns(o.ins),
    deps: depsOf(o.deps),
    outputs: parts.outputs,
    ...executionOf(parts.owner, o),
    defaultConfig: undefined,
    resourceOverrides: {},
    partitions: parts.partitions,
    backfillPolicy: o.backfillPolicy ?? null,
    codeVersion: o.codeVersion ?? null,
    fn: parts.fn,
  };
}

/** Where the nodes of a graph run: in a job, or inside a graph asset (whose output node stores the asset). */
export interface GraphStepsWhere {
  job: string | null;
  keyOf: (node: string) => string;
  assetKey: string | null;
  assetIns?: Record<string, AssetInputSpec>;
  ioManager?: string;
}

/** Steps of a graph's nodes; the output node of a graph asset stores the asset. */
export function stepsOfGraph(graph: GraphDefinition<any>, where: GraphStepsWhere): StepSpec[] {
  return graph.nodes.map((node) => {
    const o = node.op.options;
    const key = where.keyOf(node.name);
    const owner = where.job !== null ? `op "${node.name}" in job "${where.job}"` : `op "${node.name}" of graph asset "${where.assetKey}"`;
    const storesAsset = where.assetKey !== null && graph.outputNode === node.name;
    const inputs: Record<string, StepInputSource> = {};
    for (const [inputName, source] of Object.entries(node.inputs)) {
      const schema = (o.ins as Record<string, z.ZodType> | undefined)?.[inputName];
      if (source.kind === 'node') inputs[inputName] = { kind: 'step', stepKey: where.keyOf(source.node), schema };
      else {
        const spec = where.assetIns?.[source.input];
        if (!spec) throw new InvalidDefinitionError(`${owner}: graph asset has no input "${source.input}".`);
        inputs[inputName] = { kind: 'asset', assetKey: refOf(spec).assetKey, mapping: mappingOf(spec), schema };
      }
    }
    return {
      key,
      kind: 'op',
      owner,
      assetKeys: storesAsset ? [where.assetKey!] : [],
      job: where.job,
      inputs,
      deps: [],
      outputs: [
        storesAsset
          ? { name: where.assetKey!, assetKey: where.assetKey, schema: o.output as z.ZodType | undefined, ioManager: where.ioManager ?? o.ioManager ?? DEFAULT_IO_MANAGER_KEY }
          : { name: 'result', assetKey: null, schema: o.output as z.ZodType | undefined, ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY },
      ],
      ...executionOf(owner, o),
      defaultConfig: undefined,
      resourceOverrides: {},
      partitions: null,
      backfillPolicy: null,
      codeVersion: null,
      fn: node.op.fn as StepSpec['fn'],
    } satisfies StepSpec;
  });
}
