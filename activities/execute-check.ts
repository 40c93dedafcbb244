import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AssetCheckContext, AssetCheckDefinition, AssetCheckOutput } from '../sdk/definitions/checks/asset-check';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { AssetCheckFailedError, InvalidCheckResultError, MissingInputError, NonRetryableError, UserCodeError } from '../sdk/errors';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import type { AssetCheckResultSummary, StepActivityResult, StepToRun } from '../sdk/protocol/plan';
import type { ResourcePool } from './resource-pool';
import { BufferedStepLogger } from './step-logger';

/** What a check step needs besides its input. */
export interface CheckDependencies {
  definitions: Definitions;
  catalog: Catalog;
  resources: ResourcePool;
}

/** Failure type of a failed blocking error check; its details hold the step's {@link StepActivityResult}. */
export const ASSET_CHECK_FAILED_TYPE = 'AssetCheckFailedError';

/**
 * Executes one check step: for each partition the step covers (one, each key of a range, or the
 * unpartitioned asset), loads the asset's stored value through its IO manager, runs the check
 * function (heartbeating), and records the result in the catalog. Returns every result (so they
 * are in workflow history). A failed blocking check of severity `error` fails the step without
 * retries, with the results in the failure's details; a check function that throws fails it like
 * any step (retried per its policy) after recording the attempt as `errored`.
 */
export async function executeCheck(deps: CheckDependencies, input: StepToRun): Promise<StepActivityResult> {
  const activity = Context.current();
  const startedAt = Date.now();
  const attempt = activity.info.attempt;
  const { step } = input;
  const check = deps.definitions.assetChecks.get(step.key)!;
  const logger = new BufferedStepLogger({ runId: input.runId, stepKey: step.key, attempt }, (level, message, fields) => activity.log[level](message, fields));
  const heartbeat = setInterval(() => activity.heartbeat(), Math.max(200, Math.min((activity.info.heartbeatTimeoutMs ?? 30_000) / 3, 5_000)));
  // The first heartbeat is due a third of the heartbeat timeout after the start: a short check sends none.
  heartbeat.unref();
  try {
    const resources: Record<string, unknown> = {};
    for (const key of Object.keys(check.resources)) resources[key] = await deps.resources.get(key, deps.definitions.resources[key]!);
    const results: AssetCheckResultSummary[] = [];
    for (const partitionKey of await checkedPartitions(deps, check, step)) {
      const ctx: AssetCheckContext = {
        runId: input.runId,
        assetKey: check.assetKey,
        checkName: check.name,
        partitionKey,
        attempt,
        resources,
        log: logger,
        signal: activity.cancellationSignal,
        catalog: deps.catalog,
        now: Date.now(),
      };
      const result = await evaluate(deps, check, ctx, activity);
      await deps.catalog.recordCheckResult({ ...result, runId: input.runId, stepKey: step.key, attempt });
      results.push(result);
    }
    const stepResult: StepActivityResult = { stepKey: step.key, startedAt, endedAt: Date.now(), attempt, materializations: [], checks: results };
    const failed = results.filter((r) => r.outcome === 'failed');
    if (failed.length > 0 && check.blocking && check.severity === 'error') {
      const error = new AssetCheckFailedError({ assetKey: check.assetKey, checkName: check.name }, failed);
      logger.error(error.message);
      throw ApplicationFailure.create({ type: ASSET_CHECK_FAILED_TYPE, message: error.message, nonRetryable: true, details: [stepResult] });
    }
    for (const r of failed) logger.warn(`check ${check.name} of ${check.assetKey}${r.partitionKey ? ` [${r.partitionKey}]` : ''} failed: ${r.description ?? ''}`, r.metadata);
    return stepResult;
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === ASSET_CHECK_FAILED_TYPE)) logger.error(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    clearInterval(heartbeat);
    if (logger.lines.length > 0) await deps.catalog.appendLogs(logger.lines).catch(() => undefined);
  }
}

/** The partitions a check step covers: its key, each key of its range, or the unpartitioned asset. */
async function checkedPartitions(deps: CheckDependencies, check: AssetCheckDefinition<any>, step: StepToRun['step']): Promise<(string | null)[]> {
  if (step.partitionKey !== null) return [step.partitionKey];
  const partitions = deps.definitions.asset(check.assetKey)?.partitions ?? null;
  if (step.partitionRange !== null && partitions) {
    const ctx = await loadPartitionContext(deps.catalog, deps.definitions, [partitions]);
    return partitions.keysInRange(step.partitionRange.from, step.partitionRange.to, ctx);
  }
  return [null];
}

/** Runs the check function on one partition; a function that throws is recorded as errored, then rethrown. */
async function evaluate(deps: CheckDependencies, check: AssetCheckDefinition<any>, ctx: AssetCheckContext, activity: Context): Promise<AssetCheckResultSummary> {
  const base = { assetKey: check.assetKey, checkName: check.name, partitionKey: ctx.partitionKey, severity: check.severity, blocking: check.blocking };
  let value: unknown = undefined;
  if (check.loadValue) {
    try {
      value = await loadAssetValue(deps.definitions, check.assetKey, ctx.partitionKey, ctx.runId);
    } catch (error) {
      if (!(error instanceof MissingInputError)) throw error;
      return {
        ...base,
        outcome: 'failed',
        description: `asset "${check.assetKey}"${ctx.partitionKey !== null ? ` partition ${ctx.partitionKey}` : ''} has no stored value to check: materialize it first`,
        metadata: {},
        evaluatedAt: Date.now(),
      };
    }
  }
  let output: AssetCheckOutput;
  try {
    output = await Promise.race([Promise.resolve().then(() => check.fn(value, ctx)), activity.cancelled]);
  } catch (error) {
    if (activity.cancellationSignal.aborted) throw error;
    const wrapped = new UserCodeError({ stepKey: check.stepKey, assetKeys: [check.assetKey], partitionKey: ctx.partitionKey }, error);
    await deps.catalog
      .recordCheckResult({ ...base, outcome: 'errored', description: wrapped.message, metadata: {}, evaluatedAt: Date.now(), runId: ctx.runId, stepKey: check.stepKey, attempt: ctx.attempt })
      .catch(() => undefined);
    throw ApplicationFailure.create({
      type: error instanceof NonRetryableError ? 'NonRetryableError' : error instanceof Error ? error.name : 'Error',
      message: wrapped.message,
      nonRetryable: error instanceof NonRetryableError,
      cause: error instanceof Error ? error : undefined,
    });
  }
  const normalized = normalizeOutput(check, output);
  return { ...base, ...normalized, outcome: normalized.passed ? 'passed' : 'failed', evaluatedAt: Date.now() };
}

function normalizeOutput(check: AssetCheckDefinition<any>, output: AssetCheckOutput): { passed: boolean; description: string | null; metadata: Record<string, unknown> } {
  if (typeof output === 'boolean') return { passed: output, description: null, metadata: {} };
  const o = output as { passed?: unknown; description?: unknown; metadata?: unknown } | null;
  const metadataOk = o?.metadata === undefined || (typeof o.metadata === 'object' && o.metadata !== null && !Array.isArray(o.metadata));
  if (!o || typeof o !== 'object' || typeof o.passed !== 'boolean' || !metadataOk || (o.description !== undefined && typeof o.description !== 'string')) {
    const error = new InvalidCheckResultError(
      `${check.owner} returned ${JSON.stringify(output) ?? String(output)}; a check returns true/false or { passed: boolean, metadata?: {...}, description?: string }.`,
    );
    throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
  }
  return { passed: o.passed, description: (o.description as string | undefined) ?? null, metadata: (o.metadata as Record<string, unknown> | undefined) ?? {} };
}

/** Loads an asset partition's stored value through the asset's IO manager (the slot the asset step stored it in). */
async function loadAssetValue(definitions: Definitions, assetKey: string, partitionKey: string | null, runId: string): Promise<unknown> {
  const node = definitions.asset(assetKey)!;
  return definitions.ioManager(node.ioManager).load({ assetKey: node.key, stepKey: node.stepKey, outputName: node.key, partitionKey, runId });
}
