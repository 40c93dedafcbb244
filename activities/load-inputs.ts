import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import type { SourceObservation } from '../sdk/definitions/observable-source-asset';
import { OutputValidationError } from '../sdk/errors';
import { defaultMappingFor, type PartitionContext, type PartitionsDefinition, type UpstreamPartitions } from '../sdk/partitions';
import type { StepToRun } from '../sdk/protocol/plan';
import type { StepInputSource, StepSpec } from '../sdk/definitions/step-spec';
import { zodProblems } from '../sdk/errors/zod-problems';

/** The step as its activity reads it (see `readStepActivityInput`). */
type StepActivityStep = StepToRun['step'];

/** The partition keys a step covers: its key, every key of its range, or none. */
export function stepPartitionKeys(spec: StepSpec, step: StepActivityStep, ctx: PartitionContext): string[] {
  if (step.partitionKey !== null) return [step.partitionKey];
  if (step.partitionRange !== null && spec.partitions) return spec.partitions.keysInRange(step.partitionRange.from, step.partitionRange.to, ctx);
  return [];
}

/** The time window a step covers, for time-window partitions (or the time dimension of multi partitions). */
export function stepTimeWindow(spec: StepSpec, step: StepActivityStep, ctx: PartitionContext): { start: Date; end: Date } | null {
  void ctx;
  const def = spec.partitions;
  if (!def) return null;
  const timeOf = (d: PartitionsDefinition, key: string): { start: Date; end: Date } | null => {
    if (d.kind === 'time-window') return d.timeWindowForKey(key);
    if (d.kind === 'multi' && d.timeDimension) return d.timeDimension.partitions.timeWindowForKey(d.splitKey(key)[d.timeDimension.name] as string);
    return null;
  };
  if (step.partitionKey !== null) return timeOf(def, step.partitionKey);
  if (step.partitionRange !== null) {
    const from = timeOf(def, step.partitionRange.from);
    const to = timeOf(def, step.partitionRange.to);
    return from && to ? { start: from.start, end: to.end } : null;
  }
  return null;
}

/** The upstream partitions one asset input of a step reads, through its partition mapping. */
export function upstreamPartitionsOf(
  definitions: Definitions,
  spec: StepSpec,
  step: StepActivityStep,
  source: Extract<StepInputSource, { kind: 'asset' }>,
  ctx: PartitionContext,
): UpstreamPartitions {
  const upstream = definitions.assetNodes.get(source.assetKey)!.partitions;
  const defs = { upstream, downstream: spec.partitions };
  const mapping = source.mapping ?? defaultMappingFor(upstream, spec.partitions);
  if (spec.partitions === null) return mapping.upstreamKeysFor(null, defs, ctx);
  if (step.partitionRange !== null) return mapping.upstreamKeysForRange(step.partitionRange, defs, ctx);
  return mapping.upstreamKeysFor(step.partitionKey, defs, ctx);
}

/**
 * Loads a step's inputs through the IO managers of the assets (or op outputs) they come from.
 * An input whose mapping yields one partition is that partition's value (null when it falls
 * before the upstream's first partition, as for an asset reading its own previous day);
 * one that yields several is a record keyed by partition key.
 */
export async function loadStepInputs(
  definitions: Definitions,
  spec: StepSpec,
  input: StepToRun,
  ctx: PartitionContext,
  catalog: Catalog,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(spec.inputs)) {
    let value: unknown;
    if (source.kind === 'step') {
      const producer = definitions.steps.get(source.stepKey)!;
      const output = producer.outputs[0]!;
      value = await definitions
        .ioManager(output.ioManager)
        .load({ assetKey: output.assetKey, stepKey: producer.key, outputName: output.name, partitionKey: null, runId: input.step.outputsFromRuns?.[producer.key] ?? input.runId });
    } else if (definitions.assetNodes.get(source.assetKey)!.observable) {
      value = await loadObservations(definitions, spec, input.step, source, ctx, catalog);
    } else {
      const node = definitions.assetNodes.get(source.assetKey)!;
      const manager = definitions.ioManager(node.ioManager);
      const slot = (partitionKey: string | null) => ({ assetKey: node.key, stepKey: node.stepKey, outputName: node.key, partitionKey, runId: input.runId });
      const upstream = upstreamPartitionsOf(definitions, spec, input.step, source, ctx);
      if (!upstream.partitioned) value = await manager.load(slot(null));
      else if (upstream.cardinality === 'one' && upstream.keys.length <= 1) {
        value = upstream.keys.length === 0 ? null : await manager.load(slot(upstream.keys[0]!));
      } else {
        const record: Record<string, unknown> = {};
        for (const key of upstream.keys) record[key] = await manager.load(slot(key));
        value = record;
      }
    }
    if (source.schema) {
      const result = source.schema.safeParse(value);
      if (!result.success) throw new OutputValidationError(spec.key, `input ${name}`, zodProblems(result.error));
      value = result.data;
    }
    values[name] = value;
  }
  return values;
}

/**
 * The value of an observable source asset input: its latest observation (null when never
 * observed), or a record of them by partition key for a mapping that reads several.
 */
async function loadObservations(
  definitions: Definitions,
  spec: StepSpec,
  step: StepActivityStep,
  source: Extract<StepInputSource, { kind: 'asset' }>,
  ctx: PartitionContext,
  catalog: Catalog,
): Promise<SourceObservation | null | Record<string, SourceObservation | null>> {
  const upstream = upstreamPartitionsOf(definitions, spec, step, source, ctx);
  const versions = await catalog.observedVersions(source.assetKey, upstream.partitioned ? upstream.keys : null);
  const observation = (key: string | null): SourceObservation | null => {
    const v = versions.get(key);
    return v ? { dataVersion: v.dataVersion, metadata: v.metadata ?? {}, observedAt: v.at } : null;
  };
  if (!upstream.partitioned) return observation(null);
  if (upstream.cardinality === 'one' && upstream.keys.length <= 1) return upstream.keys.length === 0 ? null : observation(upstream.keys[0]!);
  return Object.fromEntries(upstream.keys.map((k) => [k, observation(k)]));
}
