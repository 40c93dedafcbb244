import { validateName } from '../asset-key';
import type { AssetRef } from '../asset-ref';
import type { CatalogReader } from '../../catalog';
import { durationToMs, type Duration } from '../duration';
import { InvalidDefinitionError } from '../../errors';
import type { StepLogger } from '../op-context';
import type { ResourceDefinition, ResourceRequirements, ResourceValues } from '../resource';
import { resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy } from '../retry-policy';
import type { MaybePromise } from '../step-options';

/** How bad a failing check is (a const object plus a type of the same name). */
export const AssetCheckSeverity = {
  /** A failing check is an error; with `blocking: true` it stops the asset's downstream steps. */
  Error: 'error',
  /** A failing check is a warning: recorded and shown, never stops anything. */
  Warn: 'warn',
} as const;
/** @see {@link AssetCheckSeverity} */
export type AssetCheckSeverity = (typeof AssetCheckSeverity)[keyof typeof AssetCheckSeverity];

/** What a check function returns: `true`/`false`, or a result with metadata and a description. */
export type AssetCheckOutput =
  | boolean
  | {
      passed: boolean;
      /** JSON-serializable facts about the evaluation (row counts, bounds, ages…). */
      metadata?: Record<string, unknown>;
      /** One line saying why it passed or failed. */
      description?: string;
    };

/** Read access to the catalog a check gets (freshness checks read the last materialization). */
export type AssetCheckCatalog = Pick<CatalogReader, 'latestMaterialization' | 'materializationHistory' | 'partitionStatus'>;

/** The context a check function receives as its second argument. */
export interface AssetCheckContext<TResources = Record<string, unknown>> {
  /** The run evaluating the check. */
  readonly runId: string;
  /** The checked asset. */
  readonly assetKey: string;
  /** The check's name. */
  readonly checkName: string;
  /** The partition checked; null for an unpartitioned asset. */
  readonly partitionKey: string | null;
  /** Attempt number of the check step, 1 on the first try. */
  readonly attempt: number;
  /** The resources the check declared, built once per worker. */
  readonly resources: TResources;
  /** Structured logger; lines are kept with the run. */
  readonly log: StepLogger;
  /** Aborted when the run is cancelled or the step times out. */
  readonly signal: AbortSignal;
  /** Read access to the catalog (materializations, partition status). */
  readonly catalog: AssetCheckCatalog;
  /** When the evaluation started (epoch ms); compare ages against this, not `Date.now()`. */
  readonly now: number;
}

/** The function of a check: the asset's stored value first (undefined with `loadValue: false`), the context second. */
export type AssetCheckFunction<TValue, TResources extends ResourceRequirements | undefined> = (
  value: TValue,
  ctx: AssetCheckContext<ResourceValues<TResources>>,
) => MaybePromise<AssetCheckOutput>;

/** Options of {@link assetCheck}. */
export interface AssetCheckOptions<TValue, TResources extends ResourceRequirements | undefined, TLoad extends boolean> {
  /** The asset checked, by reference (its value type types the check function). */
  asset: AssetRef<TValue>;
  /** Name of the check, unique per asset: letters, digits, `_`, `-`. */
  name: string;
  /** `'error'` (default) or `'warn'`. */
  severity?: AssetCheckSeverity;
  /**
   * When true and the check fails with severity `'error'`, the steps downstream of the asset in
   * the same run are skipped and the run fails. Default false.
   */
  blocking?: boolean;
  description?: string;
  /** Whether to load the asset's stored value for the function. Default true; false passes `undefined`. */
  loadValue?: TLoad;
  /** Resources the check uses, by reference. */
  resources?: TResources;
  /** Retries of a check whose function throws. Default 3 attempts. */
  retry?: RetryPolicy;
  /** Longest one attempt may take. Default `'1h'`. */
  timeout?: Duration;
  /** Default `'30s'`; Stratum heartbeats while the function runs. */
  heartbeatTimeout?: Duration;
}

/** The separator between an asset key and a check name in a check's step key (asset keys never contain `:`). */
const CHECK_KEY_INFIX = ':check:';

/** Step key (and Temporal activity type) of a check: `sales/orders:check:row_count`. */
export function checkStepKey(assetKey: string, checkName: string): string {
  return `${assetKey}${CHECK_KEY_INFIX}${checkName}`;
}

/** A check of an asset: evaluated after the asset's step in the same run. Create it with {@link assetCheck}. */
export class AssetCheckDefinition<TValue = unknown> {
  readonly kind = 'asset-check' as const;
  declare readonly _value?: TValue;
  readonly assetKey: string;
  readonly name: string;
  readonly severity: AssetCheckSeverity;
  readonly blocking: boolean;
  readonly loadValue: boolean;
  readonly description: string | null;
  readonly resources: Readonly<Record<string, ResourceDefinition<any>>>;
  /** Retry policy and timeouts of the check's step, validated when the check is defined. */
  readonly execution: { retry: ResolvedRetryPolicy; timeoutMs: number; heartbeatTimeoutMs: number };

  constructor(
    readonly options: AssetCheckOptions<TValue, ResourceRequirements | undefined, boolean>,
    readonly fn: AssetCheckFunction<any, any>,
  ) {
    const assetKey = (options?.asset as AssetRef | undefined)?.assetKey;
    if (typeof assetKey !== 'string') {
      throw new InvalidDefinitionError(
        `assetCheck "${String(options?.name)}" needs the asset it checks by reference: assetCheck({ asset: orders, name: 'row_count' }, (value, ctx) => ...).`,
      );
    }
    this.assetKey = assetKey;
    this.name = validateName(options.name, `asset check (of "${assetKey}")`);
    const owner = this.owner;
    if (typeof fn !== 'function') throw new InvalidDefinitionError(`${owner} needs a function: assetCheck({ asset, name }, (value, ctx) => passed).`);
    const severity = options.severity ?? AssetCheckSeverity.Error;
    if (severity !== AssetCheckSeverity.Error && severity !== AssetCheckSeverity.Warn) {
      throw new InvalidDefinitionError(`${owner}: severity must be 'error' or 'warn', got ${JSON.stringify(severity)}.`);
    }
    if (options.blocking !== undefined && typeof options.blocking !== 'boolean') {
      throw new InvalidDefinitionError(`${owner}: blocking must be true or false, got ${JSON.stringify(options.blocking)}.`);
    }
    for (const [key, value] of Object.entries((options.resources ?? {}) as Record<string, unknown>)) {
      if (!value || (value as { kind?: string }).kind !== 'resource') {
        throw new InvalidDefinitionError(`${owner}: resources.${key} is not a resource definition. Declare it with resource({ build }) and pass it by reference.`);
      }
    }
    this.severity = severity;
    this.blocking = options.blocking ?? false;
    this.loadValue = options.loadValue ?? true;
    this.description = options.description ?? null;
    this.resources = { ...((options.resources ?? {}) as Record<string, ResourceDefinition<any>>) };
    this.execution = {
      retry: resolveRetryPolicy(options.retry, owner),
      timeoutMs: durationToMs(options.timeout ?? '1h', `${owner}: timeout`),
      heartbeatTimeoutMs: durationToMs(options.heartbeatTimeout ?? '30s', `${owner}: heartbeatTimeout`),
    };
  }

  /** The step key, which is also the Temporal activity type: `<asset key>:check:<name>`. */
  get stepKey(): string {
    return checkStepKey(this.assetKey, this.name);
  }

  /** Human name for messages: `check "row_count" of asset "sales/orders"`. */
  get owner(): string {
    return `check "${this.name}" of asset "${this.assetKey}"`;
  }
}

/**
 * Defines a check of an asset (Dagster's `@asset_check`). It runs after the asset's step in the
 * same run, on the stored value, and passes or fails with metadata. A failing `blocking` check of
 * severity `'error'` skips the asset's downstream steps and fails the run; any other failure is
 * recorded (catalog, run output, `stratum assets show`) and the run goes on. `stratum checks run`
 * evaluates checks without materializing.
 *
 * @example
 * const noNegative = assetCheck({ asset: orders, name: 'no_negative_amounts', blocking: true }, (rows) => {
 *   const bad = rows.filter((o) => o.amount < 0).length;
 *   return { passed: bad === 0, metadata: { bad } };
 * });
 * export default new Definitions({ assets: [orders], assetChecks: [noNegative] });
 */
export function assetCheck<TValue, TResources extends ResourceRequirements | undefined = undefined, const TLoad extends boolean = true>(
  options: AssetCheckOptions<TValue, TResources, TLoad>,
  fn: AssetCheckFunction<TLoad extends false ? undefined : TValue, TResources>,
): AssetCheckDefinition<TValue> {
  return new AssetCheckDefinition<TValue>(options as any, fn as any);
}
