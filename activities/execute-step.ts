import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import { NonRetryableError, OutputValidationError, StratumError, UserCodeError } from '../sdk/errors';
import type { OpContext } from '../sdk/definitions/op-context';
import type { InputDataVersion } from '../sdk/versions/input-data-version';
import { checkObservation } from '../sdk/definitions/observable-source-asset';
import type { PartitionContext } from '../sdk/partitions';
import type { MaterializationSummary, ObservationSummary, StepActivityResult, StepToRun } from '../sdk/protocol/plan';
import { inputDataVersionsNow } from '../sdk/versions/upstream-versions';
import type { StepSpec } from '../sdk/definitions/step-spec';
import { zodProblems } from '../sdk/errors/zod-problems';
import type { IOManager, StorageSlot, StoredValue } from '../sdk/definitions/io/io-manager';
import { UnserializableValueError } from '../sdk/definitions/io/unserializable-value-error';
import { loadStepInputs, stepPartitionKeys, stepTimeWindow } from './load-inputs';
import { materializationBatcher } from './materialization-batcher';
import type { ResourcePool } from './resource-pool';
import { BufferedStepLogger } from './step-logger';

/** What a step activity needs besides its input. */
export interface StepDependencies {
  definitions: Definitions;
  catalog: Catalog;
  resources: ResourcePool;
}

/**
 * Executes one step: builds the op context, loads inputs through IO managers, runs the user's
 * function (heartbeating so a lost worker is noticed and a cancelled run stops it), checks and
 * stores outputs, and records one catalog row per materialized asset (idempotently, so retries
 * never leave a second row).
 */
export async function executeStep(deps: StepDependencies, input: StepToRun): Promise<StepActivityResult> {
  const activity = Context.current();
  const startedAt = Date.now();
  const attempt = activity.info.attempt;
  const spec = deps.definitions.steps.get(input.step.key)!;
  const { step } = input;
  const logger = new BufferedStepLogger({ runId: input.runId, stepKey: step.key, attempt }, (level, message, fields) =>
    activity.log[level](message, fields),
  );
  // The first heartbeat is due a third of the heartbeat timeout after the start (the server counts
  // from there): a short step sends none, sparing a server call per step. A local step
  // (executionMode 'local') cannot heartbeat at all (the SDK would only warn on each call).
  const heartbeat = activity.info.isLocal ? undefined : setInterval(() => activity.heartbeat(), Math.max(200, Math.min((activity.info.heartbeatTimeoutMs ?? 30_000) / 3, 5_000)));
  heartbeat?.unref();
  try {
    const partitionContext = await loadPartitionContext(deps.catalog, deps.definitions, [
      spec.partitions,
      ...Object.values(spec.inputs).map((s) => (s.kind === 'asset' ? (deps.definitions.asset(s.assetKey)?.partitions ?? null) : null)),
    ]);
    const metadata = new Map<string, Record<string, unknown>>();
    const dataVersions = new Map<string, string>();
    const ctx: OpContext<unknown, Record<string, unknown>> = {
      runId: input.runId,
      stepKey: step.key,
      assetKey: spec.assetKeys.length === 1 ? spec.assetKeys[0]! : null,
      assetKeys: spec.assetKeys,
      partitionKey: step.partitionKey,
      partitionKeyRange: step.partitionRange,
      partitionKeys: stepPartitionKeys(spec, step, partitionContext),
      partitionTimeWindow: stepTimeWindow(spec, step, partitionContext),
      attempt,
      config: parseConfig(spec, step.config),
      resources: await buildResources(deps, spec),
      log: logger,
      signal: activity.cancellationSignal,
      addOutputMetadata(values, assetKey) {
        const key = assetKey ?? ctx.assetKey ?? spec.assetKeys[0] ?? 'result';
        metadata.set(key, { ...(metadata.get(key) ?? {}), ...values });
      },
      setDataVersion(version, assetKey) {
        if (typeof version !== 'string' || version.length === 0) {
          throw new OutputValidationError(spec.key, assetKey ?? 'dataVersion', [{ path: 'dataVersion', message: `ctx.setDataVersion needs a non-empty string, got ${JSON.stringify(version)}` }]);
        }
        dataVersions.set(assetKey ?? ctx.assetKey ?? spec.assetKeys[0] ?? 'result', version);
      },
    };
    if (spec.kind === 'observe') {
      const observations = await observeSource(deps, spec, input, ctx, await runUserFunction(spec, ctx, {}, activity));
      return { stepKey: step.key, startedAt, endedAt: Date.now(), attempt, materializations: [], observations };
    }
    // The versions of what this step reads, looked up just before reading it (recorded with each materialization).
    const inputVersions = await readInputVersions(deps, spec, ctx.partitionKeys, partitionContext);
    const inputs = await loadStepInputs(deps.definitions, spec, input, partitionContext, deps.catalog);
    const value = await runUserFunction(spec, ctx, inputs, activity);
    const materializations = await storeOutputs(deps, spec, input, ctx, value, { metadata, dataVersions, inputVersions }, startedAt);
    return { stepKey: step.key, startedAt, endedAt: Date.now(), attempt, materializations };
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error));
    throw toFailure(error);
  } finally {
    clearInterval(heartbeat);
    if (logger.lines.length > 0) await deps.catalog.appendLogs(logger.lines).catch(() => undefined);
  }
}

function parseConfig(spec: StepSpec, config: unknown): unknown {
  if (!spec.configSchema) return {};
  const result = spec.configSchema.safeParse(config);
  if (!result.success) {
    throw ApplicationFailure.nonRetryable(
      `Config of ${spec.owner} fails its schema: ${zodProblems(result.error).map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      'ConfigValidationError',
    );
  }
  return result.data;
}

async function buildResources(deps: StepDependencies, spec: StepSpec): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(spec.resources)) {
    const definition = spec.resourceOverrides[key] ?? deps.definitions.resources[key]!;
    values[key] = await deps.resources.get(key, definition);
  }
  return values;
}

async function runUserFunction(spec: StepSpec, ctx: OpContext, inputs: Record<string, unknown>, activity: Context): Promise<unknown> {
  const where = { stepKey: spec.key, assetKeys: spec.assetKeys, partitionKey: ctx.partitionKey };
  try {
    // Race the function with cancellation, so a function that ignores ctx.signal still stops the step.
    return await Promise.race([Promise.resolve().then(() => spec.fn(inputs, ctx)), activity.cancelled]);
  } catch (error) {
    if (activity.cancellationSignal.aborted) throw error;
    if (error instanceof NonRetryableError) {
      throw ApplicationFailure.create({ type: 'NonRetryableError', message: new UserCodeError(where, error).message, nonRetryable: true, cause: error });
    }
    const wrapped = new UserCodeError(where, error);
    throw ApplicationFailure.create({
      type: error instanceof Error ? error.name : 'Error',
      message: wrapped.message,
      cause: error instanceof Error ? error : undefined,
    });
  }
}

async function storeOutputs(
  deps: StepDependencies,
  spec: StepSpec,
  input: StepToRun,
  ctx: OpContext,
  value: unknown,
  recorded: { metadata: Map<string, Record<string, unknown>>; dataVersions: Map<string, string>; inputVersions: InputVersionsByAsset },
  startedAt: number,
): Promise<MaterializationSummary[]> {
  const { metadata, dataVersions, inputVersions } = recorded;
  const values = spec.kind === 'multi-asset' ? splitMultiAssetValue(spec, value) : new Map([[spec.outputs[0]!.name, value]]);
  const summaries: MaterializationSummary[] = [];
  for (const output of spec.outputs) {
    let outputValue = values.get(output.name);
    if (output.schema) {
      const result = output.schema.safeParse(outputValue);
      if (!result.success) throw new OutputValidationError(spec.key, output.name, zodProblems(result.error));
      outputValue = result.data;
    }
    const manager = deps.definitions.ioManager(output.ioManager);
    if (output.assetKey === null) {
      await storeValue(manager, { assetKey: null, stepKey: spec.key, outputName: output.name, partitionKey: null, runId: input.runId }, outputValue);
      continue;
    }
    const partitionValues = valuesByPartition(ctx, outputValue);
    // An asset that returns nothing is almost always a bug (a forgotten `return`): refuse it unless its output schema allows it.
    const missingValue = output.schema ? undefined : partitionValues.find(([, v]) => v === undefined);
    if (missingValue) throw undefinedOutput(spec, output.assetKey, missingValue[0]);
    for (const [partitionKey, partitionValue] of partitionValues) {
      const stored = await storeValue(
        manager,
        { assetKey: output.assetKey, stepKey: spec.key, outputName: output.name, partitionKey, runId: input.runId },
        partitionValue,
      );
      const materializedAt = Date.now();
      const summary: MaterializationSummary = {
        assetKey: output.assetKey,
        partitionKey,
        dataVersion: dataVersions.get(output.assetKey) ?? dataVersions.get(output.name) ?? stored.dataVersion,
        codeVersion: spec.codeVersion,
        storageLocation: stored.location,
        metadata: { ...(metadata.get(output.assetKey) ?? metadata.get(output.name) ?? {}) },
        materializedAt,
        inputDataVersions: inputVersions.get(output.assetKey)?.get(partitionKey) ?? [],
      };
      // Batched with the rows of steps finishing at the same time; committed before the step returns.
      await materializationBatcher(deps.catalog).record({
        runId: input.runId,
        stepKey: spec.key,
        assetKey: output.assetKey,
        partitionKey,
        dataVersion: summary.dataVersion,
        codeVersion: summary.codeVersion,
        metadata: summary.metadata,
        storageLocation: summary.storageLocation,
        startedAt,
        materializedAt,
        attempt: ctx.attempt,
        inputDataVersions: summary.inputDataVersions ?? null,
      });
      summaries.push(summary);
    }
  }
  return summaries;
}

/**
 * Stores one value; a value the serializer refuses (NaN, a cycle, a BigInt…) fails the step at
 * once, since storing it again can only fail again. Other errors (a full disk) are retried.
 */
async function storeValue(manager: IOManager, slot: StorageSlot, value: unknown): Promise<StoredValue> {
  try {
    return await manager.store(slot, value);
  } catch (error) {
    const problem = unserializableProblem(error);
    if (problem === null) throw error;
    const what = slot.assetKey !== null
      ? `asset "${slot.assetKey}"${slot.partitionKey !== null ? ` (partition ${slot.partitionKey})` : ''}`
      : `output "${slot.outputName}" of step "${slot.stepKey}"`;
    throw ApplicationFailure.create({
      type: 'OutputValidationError',
      message: `Step "${slot.stepKey}" returned a value for ${what} that cannot be stored: ${problem.path === '' ? 'the value' : problem.path} ${problem.problem}. Not retried: the same value would fail again.`,
      nonRetryable: true,
      cause: error instanceof Error ? error : undefined,
    });
  }
}

/** The path and problem of a deterministic serialization failure, or null for any other error. */
function unserializableProblem(error: unknown): { path: string; problem: string } | null {
  if (error instanceof UnserializableValueError) return { path: error.path, problem: error.problem };
  // A custom IO manager calling JSON.stringify itself fails the same way on every attempt.
  if (error instanceof TypeError && /circular structure|serialize a BigInt/i.test(error.message)) {
    return { path: '', problem: `cannot be serialized (${error.message.replace(/\s+/g, ' ')})` };
  }
  return null;
}

function undefinedOutput(spec: StepSpec, assetKey: string, partitionKey: string | null): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'OutputValidationError',
    message:
      `Step "${spec.key}" returned undefined for asset "${assetKey}"${partitionKey !== null ? ` (partition ${partitionKey})` : ''}: an asset must return its value. ` +
      'Return the value (null if there is none), or declare an output schema that allows undefined (`output: z.undefined()`) to store it as undefined.',
    nonRetryable: true,
  });
}

/** Input data versions per materialized asset, then per partition key (null: unpartitioned). */
type InputVersionsByAsset = Map<string, Map<string | null, InputDataVersion[]>>;

/**
 * The data versions of every upstream partition each asset of the step reads now, per partition
 * it materializes (in a range run each partition records what it reads itself), one catalog read
 * per upstream asset.
 */
async function readInputVersions(deps: StepDependencies, spec: StepSpec, partitionKeys: readonly string[], ctx: PartitionContext): Promise<InputVersionsByAsset> {
  const result: InputVersionsByAsset = new Map();
  for (const assetKey of spec.assetKeys) {
    const node = deps.definitions.assetNodes.get(assetKey);
    if (!node || (node.partitions !== null && partitionKeys.length === 0)) continue;
    const keys = node.partitions === null ? [null] : partitionKeys;
    result.set(assetKey, await inputDataVersionsNow(deps.catalog, deps.definitions, node, keys, ctx));
  }
  return result;
}

/** Records what an observable source asset's observe function returned, for every partition of the step. */
async function observeSource(deps: StepDependencies, spec: StepSpec, input: StepToRun, ctx: OpContext, value: unknown): Promise<ObservationSummary[]> {
  const assetKey = spec.assetKeys[0]!;
  const observation = checkObservation(assetKey, value);
  const keys: (string | null)[] = ctx.partitionKeys.length > 0 ? [...ctx.partitionKeys] : [null];
  const summaries: ObservationSummary[] = [];
  for (const partitionKey of keys) {
    const summary: ObservationSummary = { assetKey, partitionKey, dataVersion: observation.dataVersion, metadata: observation.metadata ?? {}, observedAt: Date.now() };
    await deps.catalog.recordObservation({ runId: input.runId, stepKey: spec.key, ...summary });
    summaries.push(summary);
  }
  return summaries;
}

/**
 * In a range run the function may return one value per partition (a record with exactly the
 * range's keys), which is stored per partition; any other value is stored for every partition.
 */
function valuesByPartition(ctx: OpContext, value: unknown): [string | null, unknown][] {
  if (ctx.partitionKeyRange === null) return [[ctx.partitionKey, value]];
  const keys = ctx.partitionKeys;
  const perPartition =
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.keys(value).length === keys.length && keys.every((k) => k in (value as object));
  return keys.map((k) => [k, perPartition ? (value as Record<string, unknown>)[k] : value]);
}

function splitMultiAssetValue(spec: StepSpec, value: unknown): Map<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    throw new OutputValidationError(spec.key, '(all)', [{ path: '', message: `a multi-asset returns an object with one value per output (${spec.outputs.map((o) => o.name).join(', ')})` }]);
  }
  const missing = spec.outputs.filter((o) => !(o.name in value));
  if (missing.length > 0) {
    throw new OutputValidationError(spec.key, missing.map((o) => o.name).join(', '), [{ path: '', message: 'missing from the returned object' }]);
  }
  return new Map(Object.entries(value));
}

/** Stratum errors keep their name as the failure type, so retry policies can match them. */
function toFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof StratumError) {
    return ApplicationFailure.create({ type: error.name, message: error.message, cause: error });
  }
  return error;
}
