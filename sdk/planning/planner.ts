import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Definitions } from '../definitions/definitions';
import { ConfigValidationError, InvalidRunRequestError, RequestOverLimitError, UnknownSelectionError } from '../errors';
import { withCheckSteps, type PlanChecksMode } from './check-steps';
import { AssetJobDefinition } from '../definitions/job';
import { withPlanNotifications } from './plan-notifications';
import { definitionsHash } from './definitions-hash';
import { fitNameList } from '../protocol/summary-text';
import type { PartitionContext } from '../partitions';
import type { Plan, PlanPartitionRange, PlanStep } from '../protocol/plan';
import { resolveSelection } from '../definitions/selection';
import type { StepSpec } from '../definitions/step-spec';
import { suggestSimilar } from '../errors/suggest';
import { zodProblems } from '../errors/zod-problems';
import { checkPlanLimits, checkRequestLimits } from './temporal-limits-check';
import { longestKeyBytes, rangeStepLimit, rangeStepProblem } from './range-step-limit';
import { locationOf } from '../definitions/location';
import { isNamedLocation } from '../protocol/location';
import { LocalExecutionRefusedError, validateExecutionMode, type StepExecutionMode } from '../definitions/execution-mode';

/** What to run: a selection of assets or a job, for one partition or a range. */
export interface PlanRequest {
  /** Asset selection (`'*'`, `'orders+'`, `'group:sales'`…); give this or `job`. */
  selection?: string;
  /** Job name; give this or `selection`. */
  job?: string;
  partitionKey?: string | null;
  partitionRange?: PlanPartitionRange | null;
  /** Run config by step: asset key, multi-asset name, or node name within a job. */
  config?: Record<string, unknown>;
  tags?: Record<string, string>;
  maxConcurrent?: number;
  /** Default: a new UUID. */
  runId?: string;
  backfillId?: string | null;
  /**
   * Plan partitioned steps without a partition (no key required or validated): how a backfill
   * works out its steps before it knows its partitions.
   */
  deferPartition?: boolean;
  /** Partition maths context: the current time and dynamic partition keys (from the catalog). */
  partitionContext?: PartitionContext;
  /** Keep only these assets of the selection (how `--stale-only` plans the stale ones); ignored for jobs. */
  onlyAssets?: readonly string[];
  /** Checks of the planned assets: `run` after each asset (default), `skip`, or `only` (no materialization, no run config). */
  checks?: PlanChecksMode;
  /**
   * How the run's steps execute unless a step sets its own `executionMode`: `'local'` runs them
   * as Temporal local activities (short steps, a few ms each), `'activity'` as regular
   * activities. Default: the job's, else `Definitions`'. Steps that cannot run locally (a timeout
   * above `'1m'`, a heartbeat timeout) refuse the run with {@link LocalExecutionRefusedError}.
   * Asset check steps always run as regular activities.
   */
  executionMode?: StepExecutionMode;
}

/**
 * Turns definitions and a request into a {@link Plan}: resolves the selection, validates config
 * against each step's zod schema and the partition key against each asset's partitions, and
 * wires step dependencies. Everything is refused here, before any workflow starts.
 */
export function createPlan(defs: Definitions, request: PlanRequest): Plan {
  if ((request.selection === undefined) === (request.job === undefined)) {
    throw new InvalidRunRequestError('Give either a selection of assets or a job name (not both, not neither).');
  }
  checkRequestLimits(request);
  const target = resolveTarget(defs, request);
  const specs = target.stepKeys.map((key) => defs.steps.get(key)!);
  const inPlan = new Set(target.stepKeys);
  const partition = request.deferPartition ? { key: null, range: null, label: null } : resolvePartition(defs, specs, request);
  const checksOnly = request.checks === 'only';
  const configs = checksOnly ? new Map<string, unknown>() : resolveConfig(specs, { ...target.defaultConfig, ...(request.config ?? {}) }, target.configKeyOf);

  const runMode = validateExecutionMode(request.executionMode, 'executionMode', 'request') ?? target.executionMode ?? defs.executionMode;
  const refusals: { owner: string; problem: string }[] = [];
  const assetSteps: PlanStep[] = specs.map((spec) => {
    const partitioned = spec.partitions !== null;
    const local = (spec.executionMode ?? runMode) === 'local';
    if (local && 'problem' in spec.local) refusals.push({ owner: spec.owner, problem: spec.local.problem });
    return {
      key: spec.key,
      kind: spec.kind,
      assetKeys: spec.assetKeys,
      dependsOn: dependenciesOf(defs, spec, inPlan),
      config: configs.get(spec.key),
      partitionKey: partitioned ? partition.key : null,
      partitionRange: partitioned ? partition.range : null,
      retry: spec.retry,
      timeoutMs: spec.timeoutMs,
      heartbeatTimeoutMs: spec.heartbeatTimeoutMs,
      summary: summaryOf(spec, partitioned ? partition.label : null),
      ...(local && 'timeoutMs' in spec.local ? { execution: 'local' as const, timeoutMs: spec.local.timeoutMs } : {}),
    };
  });
  if (refusals.length > 0) throw new LocalExecutionRefusedError(refusals);
  const steps = withCheckSteps(defs, assetSteps, request.checks ?? 'run');

  const plan = withPlanNotifications(defs, {
    version: 1,
    runId: request.runId ?? randomUUID(),
    target: target.target,
    label: target.label,
    job: target.job,
    assetKeys: checksOnly ? [] : [...new Set(specs.flatMap((s) => s.assetKeys))],
    partitionKey: partition.key,
    partitionRange: partition.range,
    maxConcurrent: request.maxConcurrent ?? target.maxConcurrent ?? defs.maxConcurrent,
    steps,
    tags: { ...target.tags, ...(request.tags ?? {}) },
    backfillId: request.backfillId ?? null,
    definitionsHash: definitionsHash(defs, steps.map((s) => s.key)),
    ...(isNamedLocation(locationOf(defs)) ? { location: locationOf(defs) } : {}),
  });
  checkPlanLimits(plan);
  return plan;
}

interface ResolvedTarget {
  target: Plan['target'];
  label: string;
  job: string | null;
  stepKeys: string[];
  defaultConfig: Record<string, unknown>;
  tags: Record<string, string>;
  maxConcurrent: number | undefined;
  executionMode: StepExecutionMode | undefined;
  /** The key users write in run config for a step. */
  configKeyOf: (spec: StepSpec) => string;
}

function resolveTarget(defs: Definitions, request: PlanRequest): ResolvedTarget {
  if (request.job !== undefined) {
    const job = defs.job(request.job);
    if (!job) {
      throw new UnknownSelectionError(
        [{ term: request.job, suggestions: suggestSimilar(request.job, defs.jobs.map((j) => j.name)) }],
        defs.jobs.length ? `Known jobs: ${defs.jobs.map((j) => j.name).join(', ')}.` : 'These definitions have no jobs.',
      );
    }
    const common = {
      target: { kind: 'job' as const, job: job.name },
      label: job.name,
      job: job.name,
      defaultConfig: { ...(job.options.config ?? {}) },
      tags: { ...(job.options.tags ?? {}) },
      maxConcurrent: job.options.maxConcurrent,
      executionMode: job.options.executionMode,
    };
    if (job instanceof AssetJobDefinition) {
      return { ...common, stepKeys: stepKeysOfAssets(defs, resolveSelection(defs, job.options.selection)), configKeyOf: (s) => s.key };
    }
    const prefix = `${job.name}.`;
    return {
      ...common,
      stepKeys: [...defs.steps.values()].filter((s) => s.job === job.name).map((s) => s.key),
      configKeyOf: (s) => s.key.slice(prefix.length),
    };
  }
  const selection = request.selection!.trim();
  return {
    target: { kind: 'assets', selection },
    label: selection.length > 80 ? `${selection.slice(0, 77)}...` : selection,
    job: null,
    stepKeys: stepKeysOfAssets(defs, resolveSelection(defs, selection).filter((k) => !request.onlyAssets || request.onlyAssets.includes(k))),
    defaultConfig: {},
    tags: {},
    maxConcurrent: undefined,
    executionMode: undefined,
    configKeyOf: (s) => s.key,
  };
}

/**
 * Steps that materialize the given assets, in the definitions' step order (upstream first).
 * Another location's assets (`sourceAsset`) have none: a selection of only such assets is refused.
 */
function stepKeysOfAssets(defs: Definitions, assetKeys: string[]): string[] {
  const keys = new Set<string>();
  for (const assetKey of assetKeys) defs.assetNodes.get(assetKey)!.stepKeys.forEach((k) => keys.add(k));
  const external = assetKeys.map((k) => defs.assetNodes.get(k)!).filter((n) => n.external);
  if (keys.size === 0 && external.length > 0) {
    const where = [...new Set(external.map((n) => n.external!.location).filter((l): l is string => l !== null))];
    throw new InvalidRunRequestError(
      `${external.map((n) => `"${n.key}"`).join(', ')} ${external.length === 1 ? 'is' : 'are'} materialized by another location${where.length ? ` (${where.join(', ')})` : ''}: declared here with sourceAsset(), never run here. Materialize ${external.length === 1 ? 'it' : 'them'} there${where.length === 1 ? ` (--location ${where[0]})` : ''}.`,
    );
  }
  return [...keys];
}

function dependenciesOf(defs: Definitions, spec: StepSpec, inPlan: Set<string>): string[] {
  const deps = new Set<string>();
  const add = (stepKey: string) => {
    if (stepKey !== spec.key && inPlan.has(stepKey)) deps.add(stepKey);
  };
  for (const source of Object.values(spec.inputs)) {
    if (source.kind === 'step') add(source.stepKey);
    else add(defs.assetNodes.get(source.assetKey)!.stepKey);
  }
  for (const dep of spec.deps) add(defs.assetNodes.get(dep.assetKey)!.stepKey);
  return [...deps];
}

/**
 * The run's partition key or range, validated against every partitioned step's partitions. A range
 * one step cannot cover (its result would pass the payload limit) is refused here.
 *
 * @throws RequestOverLimitError naming each asset whose range step would return too much.
 */
function resolvePartition(defs: Definitions, specs: StepSpec[], request: PlanRequest): { key: string | null; range: PlanPartitionRange | null; label: string | null } {
  const partitioned = specs.filter((s) => s.partitions !== null);
  const key = request.partitionKey ?? null;
  const range = request.partitionRange ?? null;
  if (key !== null && range !== null) throw new InvalidRunRequestError('Give a partition key or a partition range, not both.');
  if (partitioned.length === 0) {
    if (key !== null || range !== null) {
      throw new InvalidRunRequestError(`None of the selected assets is partitioned, so there is no partition ${key ?? `${range!.from}...${range!.to}`} to run. Drop --partition, or select partitioned assets.`);
    }
    return { key: null, range: null, label: null };
  }
  if (key === null && range === null) {
    const first = partitioned[0]!;
    throw new InvalidRunRequestError(
      `${first.owner} is partitioned (${first.partitions!.describe()}); say which partition to materialize with --partition KEY, or start a backfill for many.`,
    );
  }
  const ctx = request.partitionContext ?? { now: new Date() };
  const overLimit: string[] = [];
  for (const spec of partitioned) {
    if (key !== null) {
      spec.partitions!.validateKey(key, ctx);
      continue;
    }
    const keys = spec.partitions!.keysInRange(range!.from, range!.to, ctx);
    const problem = rangeStepProblem(spec, range!, keys.length, rangeStepLimit(defs, spec, longestKeyBytes(keys)));
    if (problem) overLimit.push(problem);
  }
  if (overLimit.length > 0) throw new RequestOverLimitError(overLimit);
  return { key, range, label: key ?? `${range!.from}...${range!.to}` };
}

function resolveConfig(specs: StepSpec[], given: Record<string, unknown>, configKeyOf: (s: StepSpec) => string): Map<string, unknown> {
  const problems: { path: string; message: string }[] = [];
  const byConfigKey = new Map(specs.map((s) => [configKeyOf(s), s]));
  for (const key of Object.keys(given)) {
    const spec = byConfigKey.get(key);
    if (!spec) {
      const near = suggestSimilar(key, byConfigKey.keys());
      problems.push({ path: key, message: `no step "${key}" in this run${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}` });
    } else if (!spec.configSchema) {
      problems.push({ path: key, message: `${spec.owner} takes no config` });
    }
  }
  const configs = new Map<string, unknown>();
  for (const spec of specs) {
    if (!spec.configSchema) continue;
    const key = configKeyOf(spec);
    const value = mergeConfig(spec.defaultConfig, given[key]) ?? (spec.configSchema instanceof z.ZodObject ? {} : undefined);
    const result = spec.configSchema.safeParse(value);
    if (!result.success) problems.push(...zodProblems(result.error).map((p) => ({ path: p.path ? `${key}.${p.path}` : key, message: p.message })));
    configs.set(spec.key, value);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return configs;
}

function mergeConfig(defaults: unknown, given: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(defaults) && isObject(given)) return { ...defaults, ...given };
  return given ?? defaults;
}

/**
 * A step's activity summary in the Temporal UI, which shows it after the activity type (the step
 * key: `sales/raw_orders • asset [2024-01-01]`), so it says what the key does not: the kind of
 * step, the assets of a multi-asset, the job of an op, and the partition.
 */
export function summaryOf(spec: Pick<StepSpec, 'kind' | 'key' | 'assetKeys' | 'job'>, partition: string | null): string {
  const what =
    spec.kind === 'asset'
      ? 'asset'
      : spec.kind === 'multi-asset'
        ? `multi-asset: ${fitNameList(spec.assetKeys, 80)}`
        : spec.kind === 'observe'
          ? 'observe source asset'
          : spec.job
            ? `op in job ${spec.job}`
            : 'op';
  return partition === null ? what : `${what} [${partition}]`;
}
