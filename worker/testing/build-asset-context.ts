import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { stepPartitionKeys, stepTimeWindow } from '../../activities/load-inputs';
import { BufferedStepLogger } from '../../activities/step-logger';
import type { LogLineInput } from '../../sdk/catalog';
import type { AssetDefinition } from '../../sdk/definitions/asset';
import type { MultiAssetDefinition } from '../../sdk/definitions/multi-asset';
import type { OpDefinition } from '../../sdk/definitions/op';
import type { OpContext, PartitionKeyRange } from '../../sdk/definitions/op-context';
import { dynamicPartitionNames } from '../../sdk/definitions/partition-context';
import type { StepSpec } from '../../sdk/definitions/step-spec';
import { ConfigValidationError, OutputValidationError } from '../../sdk/errors';
import { zodProblems } from '../../sdk/errors/zod-problems';
import type { PartitionContext, PartitionsDefinition } from '../../sdk/partitions';
import type { PlanStep } from '../../sdk/protocol/plan';
import { isResourceDefinition, type TestResources } from './test-resources';
import { InvalidTestContextError } from './testing-errors';

/** What {@link buildAssetContext} builds a context for: an asset, a multi-asset or an op. */
export type ContextDefinition = AssetDefinition<any> | MultiAssetDefinition<any> | OpDefinition<any, any>;

/** Options of {@link buildAssetContext}. */
export interface BuildAssetContextOptions {
  /** `ctx.partitionKey`; required for a partitioned asset (unless `partitionKeyRange` is given), checked against its partitions. */
  partitionKey?: string;
  /** `ctx.partitionKeyRange`, as in a single-run backfill. */
  partitionKeyRange?: PartitionKeyRange;
  /** Config; with a definition it is validated (and defaults applied) by its zod schema, as a run would. */
  config?: unknown;
  /**
   * `ctx.resources`, by key: the values themselves (a fake), or resource definitions, which are
   * built here (synchronously: a resource whose `build` is async must be built by the test and its
   * value passed). With a definition, every resource it declares must be given.
   */
  resources?: TestResources;
  /** `ctx.runId`. Default `test-run-<uuid>`. */
  runId?: string;
  /** `ctx.attempt`. Default 1. */
  attempt?: number;
  /** `ctx.signal`: abort it to test cancellation. Default a signal that never aborts. */
  signal?: AbortSignal;
  /** The time partition maths runs at (time windows, range keys). Default now. */
  now?: Date;
}

/** An {@link OpContext} for a direct call, which also keeps what the function reported. */
export interface TestOpContext<TConfig = any, TResources = Record<string, any>> extends OpContext<TConfig, TResources> {
  /** Every line the function logged through `ctx.log`, in order. */
  readonly logs: readonly LogLineInput[];
  /** What `ctx.addOutputMetadata` attached, by asset key (or output name). */
  readonly outputMetadata: Readonly<Record<string, Record<string, unknown>>>;
  /** What `ctx.setDataVersion` set, by asset key (or output name). */
  readonly dataVersions: Readonly<Record<string, string>>;
}

/**
 * Builds the context an asset's (or op's) function receives, for calling it directly in a
 * unit test: `await orders.fn({}, buildAssetContext(orders, { config }))` (Dagster's
 * `build_asset_context`). No Temporal, no catalog, no IO manager: inputs are passed by hand.
 *
 * Given the definition, the context is what a run would give: config parsed by its zod schema
 * (defaults applied; a bad config throws `ConfigValidationError`), the partition key checked
 * against its partitions, its time window and keys, the step key and asset keys. What the function
 * logs, the metadata it attaches and the data versions it sets are kept on the context
 * (`ctx.logs`, `ctx.outputMetadata`, `ctx.dataVersions`).
 *
 * @throws InvalidTestContextError when a declared resource is missing, a resource builds
 *   asynchronously, or a partitioned asset gets no (or an unknown) partition key.
 *
 * @example
 * ```ts
 * import { buildAssetContext } from 'stratum/testing';
 * import { dailyOrders } from '../defs';
 *
 * test('daily orders read their day', async () => {
 *   const ctx = buildAssetContext(dailyOrders, { partitionKey: '2024-03-01', resources: { shop: fakeShop } });
 *   const rows = await dailyOrders.fn({}, ctx);
 *   expect(rows).toHaveLength(2);
 *   expect(ctx.logs.map((l) => l.message)).toContain('fetched 2 orders');
 * });
 * ```
 */
export function buildAssetContext<TConfig = any, TResources = Record<string, any>>(
  options?: BuildAssetContextOptions,
): TestOpContext<TConfig, TResources>;
export function buildAssetContext<TConfig = any, TResources = Record<string, any>>(
  definition: ContextDefinition,
  options?: BuildAssetContextOptions,
): TestOpContext<TConfig, TResources>;
export function buildAssetContext(
  first?: ContextDefinition | BuildAssetContextOptions,
  second?: BuildAssetContextOptions,
): TestOpContext {
  const definition = isContextDefinition(first) ? first : null;
  const options = (definition ? second : (first as BuildAssetContextOptions | undefined)) ?? {};
  const facts = definitionFacts(definition);
  const partitionContext: PartitionContext = { now: options.now ?? new Date() };
  const step = checkPartition(facts, options, partitionContext);
  const runId = options.runId ?? `test-run-${randomUUID()}`;
  const attempt = options.attempt ?? 1;
  const logger = new BufferedStepLogger({ runId, stepKey: facts.stepKey, attempt }, () => undefined);
  const outputMetadata: Record<string, Record<string, unknown>> = {};
  const dataVersions: Record<string, string> = {};
  const assetKey = facts.assetKeys.length === 1 && facts.kind === 'asset' ? facts.assetKeys[0]! : null;
  const outputKeyOf = (key: string | undefined) => key ?? assetKey ?? facts.assetKeys[0] ?? 'result';
  // The activity's own helpers read only these fields of the step and its spec.
  const specView = { partitions: facts.partitions } as StepSpec;
  const stepView = { partitionKey: step.partitionKey, partitionRange: step.partitionRange } as PlanStep;
  return {
    runId,
    stepKey: facts.stepKey,
    assetKey,
    assetKeys: facts.assetKeys,
    partitionKey: step.partitionKey,
    partitionKeyRange: step.partitionRange,
    partitionKeys: stepPartitionKeys(specView, stepView, partitionContext),
    partitionTimeWindow: stepTimeWindow(specView, stepView, partitionContext),
    attempt,
    config: parseConfig(facts, options.config),
    resources: buildResources(facts, options.resources ?? {}),
    log: logger,
    signal: options.signal ?? new AbortController().signal,
    logs: logger.lines,
    outputMetadata,
    dataVersions,
    addOutputMetadata(values, key) {
      const target = outputKeyOf(key);
      outputMetadata[target] = { ...(outputMetadata[target] ?? {}), ...values };
    },
    setDataVersion(version, key) {
      if (typeof version !== 'string' || version.length === 0) {
        throw new OutputValidationError(facts.stepKey, key ?? 'dataVersion', [
          { path: 'dataVersion', message: `ctx.setDataVersion needs a non-empty string, got ${JSON.stringify(version)}` },
        ]);
      }
      dataVersions[outputKeyOf(key)] = version;
    },
  };
}

/** What the context needs to know about the definition (nothing when none is given). */
interface DefinitionFacts {
  kind: 'asset' | 'multi-asset' | 'op' | null;
  owner: string;
  stepKey: string;
  assetKeys: string[];
  partitions: PartitionsDefinition | null;
  configSchema: z.ZodType | undefined;
  /** Declared resource keys; null when no definition is given (then every given resource is passed). */
  resourceKeys: string[] | null;
}

function isContextDefinition(value: unknown): value is ContextDefinition {
  const v = value as { kind?: unknown; fn?: unknown } | undefined;
  return typeof v === 'object' && v !== null && typeof v.fn === 'function' && (v.kind === 'asset' || v.kind === 'multi-asset' || v.kind === 'op');
}

function definitionFacts(definition: ContextDefinition | null): DefinitionFacts {
  if (definition === null) {
    return { kind: null, owner: 'the test context', stepKey: 'test-step', assetKeys: [], partitions: null, configSchema: undefined, resourceKeys: null };
  }
  const options = definition.options as { config?: z.ZodType; resources?: Record<string, unknown> };
  const common = { configSchema: options.config, resourceKeys: Object.keys(options.resources ?? {}) };
  if (definition.kind === 'asset') {
    const key = definition.assetKey;
    return { kind: 'asset', owner: `asset "${key}"`, stepKey: key, assetKeys: [key], partitions: definition.partitions, ...common };
  }
  if (definition.kind === 'multi-asset') {
    const name = definition.stepKey;
    return { kind: 'multi-asset', owner: `multi-asset "${name}"`, stepKey: name, assetKeys: Object.values(definition.outputKeys), partitions: definition.partitions, ...common };
  }
  return { kind: 'op', owner: `op "${definition.name}"`, stepKey: definition.name, assetKeys: [], partitions: null, ...common };
}

/** The partition (or range) of the context, checked against the definition's partitions. */
function checkPartition(facts: DefinitionFacts, options: BuildAssetContextOptions, ctx: PartitionContext): Pick<PlanStep, 'partitionKey' | 'partitionRange'> {
  const partitionKey = options.partitionKey ?? null;
  const partitionRange = options.partitionKeyRange ?? null;
  if (partitionKey !== null && partitionRange !== null) {
    throw new InvalidTestContextError('buildAssetContext takes a partitionKey or a partitionKeyRange, not both.');
  }
  const partitions = facts.partitions;
  if (partitions === null) {
    if (facts.kind !== null && (partitionKey !== null || partitionRange !== null)) {
      throw new InvalidTestContextError(`${facts.owner} is not partitioned; leave out partitionKey and partitionKeyRange.`);
    }
    return { partitionKey, partitionRange };
  }
  if (partitionKey === null && partitionRange === null) {
    throw new InvalidTestContextError(
      `${facts.owner} is partitioned (${partitions.describe()}); pass the partition to test: buildAssetContext(asset, { partitionKey: '...' }).`,
    );
  }
  // Dynamic partition keys live in the catalog, which a direct call has none of: take them as given.
  if (dynamicPartitionNames(partitions).length === 0) {
    try {
      for (const key of partitionKey !== null ? [partitionKey] : [partitionRange!.from, partitionRange!.to]) partitions.validateKey(key, ctx);
    } catch (error) {
      throw new InvalidTestContextError(`${facts.owner}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return { partitionKey, partitionRange };
}

/** Config as the step activity would see it: parsed by the schema, defaults applied, with the planner's rule for a missing object. */
function parseConfig(facts: DefinitionFacts, config: unknown): unknown {
  const schema = facts.configSchema;
  if (!schema) return config ?? {};
  const result = schema.safeParse(config ?? (schema instanceof z.ZodObject ? {} : undefined));
  if (!result.success) {
    throw new ConfigValidationError(zodProblems(result.error).map((p) => ({ path: p.path ? `${facts.stepKey}.${p.path}` : facts.stepKey, message: p.message })));
  }
  return result.data;
}

function buildResources(facts: DefinitionFacts, given: TestResources): Record<string, unknown> {
  if (facts.resourceKeys !== null) {
    const missing = facts.resourceKeys.filter((key) => !(key in given));
    if (missing.length > 0) {
      throw new InvalidTestContextError(
        `${facts.owner} declares the resource${missing.length === 1 ? '' : 's'} ${missing.map((k) => `"${k}"`).join(', ')}, not given to buildAssetContext. ` +
          `Pass ${missing.length === 1 ? 'it' : 'them'} (a fake value will do): buildAssetContext(asset, { resources: { ${missing.map((k) => `${k}: ...`).join(', ')} } }).`,
      );
    }
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!isResourceDefinition(value)) {
      values[key] = value;
      continue;
    }
    const built = value.options.build(value.resolveConfig(key, process.env) as never);
    if (typeof (built as { then?: unknown } | null)?.then === 'function') {
      (built as Promise<unknown>).catch(() => undefined);
      throw new InvalidTestContextError(
        `Resource "${key}" builds asynchronously, which buildAssetContext cannot wait for. Build it in the test and pass the value: ` +
          `resources: { ${key}: await myResource.options.build(config) } (or a fake).`,
      );
    }
    values[key] = built;
  }
  return values;
}
