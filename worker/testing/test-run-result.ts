import type { LogLine } from '../../sdk/catalog';
import type { AssetRef } from '../../sdk/definitions/asset-ref';
import type { Definitions } from '../../sdk/definitions/definitions';
import type { MaterializationSummary, Plan, RunResult, StepOutcome } from '../../sdk/protocol/plan';
import { ValueLoadError, ValueNotMaterializedError } from './testing-errors';

/**
 * What {@link materializeForTest} returns: the run's result as the `materialize` workflow
 * reported it (status, steps with their errors, materializations), the run's log lines, and the
 * value of every asset the run materialized, read back through its IO manager.
 */
export interface TestRunResult extends RunResult {
  /** True when every step succeeded. A failed run is returned, not thrown (Dagster's `raise_on_error=False`). */
  readonly success: boolean;
  /** The error of the first failed step (`null` when the run succeeded): enough for `expect(result.error).toMatch(/.../)`. */
  readonly error: string | null;
  /** Every asset partition the run materialized, in step order. */
  readonly materializations: readonly MaterializationSummary[];
  /** Every line the run's steps logged through `ctx.log`, in order. */
  readonly logs: readonly LogLine[];
  /** The plan the run executed. */
  readonly plan: Plan;
  /**
   * The value the run stored for an asset, as its IO manager gives it back (the in-memory and
   * filesystem ones round-trip through JSON, as downstream assets see it). Typed by the asset
   * when given the definition. For a partitioned run the partition defaults to the run's.
   *
   * @throws ValueNotMaterializedError when this run did not materialize that asset (partition).
   */
  valueOf<T>(asset: AssetRef<T>, partitionKey?: string | null): T;
  valueOf(assetKey: string, partitionKey?: string | null): unknown;
  /** The outcome of a step by its key, or of the step that materializes `asset`; undefined when not in the run. */
  step(stepKeyOrAsset: string | AssetRef<any>): StepOutcome | undefined;
}

type LoadedValue = { ok: true; value: unknown } | { ok: false; error: unknown };

const slotKey = (assetKey: string, partitionKey: string | null) => `${assetKey}\u0000${partitionKey ?? ''}\u0000${partitionKey === null ? 0 : 1}`;

/** Reads every materialized value back through its IO manager and builds the {@link TestRunResult}. */
export async function buildTestRunResult(definitions: Definitions, plan: Plan, result: RunResult, logs: readonly LogLine[]): Promise<TestRunResult> {
  const materializations = result.steps.flatMap((s) => s.materializations);
  const values = new Map<string, LoadedValue>();
  for (const outcome of result.steps) {
    const spec = definitions.steps.get(outcome.key);
    for (const m of outcome.materializations) {
      const output = spec?.outputs.find((o) => o.assetKey === m.assetKey);
      if (!spec || !output) continue;
      const slot = { assetKey: m.assetKey, stepKey: spec.key, outputName: output.name, partitionKey: m.partitionKey, runId: plan.runId };
      try {
        values.set(slotKey(m.assetKey, m.partitionKey), { ok: true, value: await definitions.ioManager(output.ioManager).load(slot) });
      } catch (error) {
        values.set(slotKey(m.assetKey, m.partitionKey), { ok: false, error });
      }
    }
  }
  const failed = result.steps.find((s) => s.status === 'failed');
  const checkSteps = new Set(plan.steps.filter((s) => s.kind === 'check').map((s) => s.key));
  const keyOf = (asset: string | AssetRef<any>) => (typeof asset === 'string' ? asset : asset.assetKey);

  function valueOf(asset: string | AssetRef<any>, partitionKey?: string | null): unknown {
    const assetKey = keyOf(asset);
    const ofAsset = materializations.filter((m) => m.assetKey === assetKey);
    let chosen: MaterializationSummary | undefined;
    if (partitionKey !== undefined) chosen = ofAsset.find((m) => m.partitionKey === partitionKey);
    else if (ofAsset.length === 1) chosen = ofAsset[0];
    else if (ofAsset.length > 1) {
      throw new ValueNotMaterializedError(
        `The run materialized ${ofAsset.length} partitions of "${assetKey}" (${ofAsset.map((m) => m.partitionKey).join(', ')}); ` +
          `name one: result.valueOf(asset, '${ofAsset[0]!.partitionKey}').`,
      );
    }
    if (!chosen) {
      const made = materializations.map((m) => (m.partitionKey === null ? m.assetKey : `${m.assetKey} [${m.partitionKey}]`));
      const step = result.steps.find((s) => s.assetKeys.includes(assetKey));
      throw new ValueNotMaterializedError(
        `The run did not materialize "${assetKey}"${partitionKey !== undefined && partitionKey !== null ? ` for partition "${partitionKey}"` : ''}` +
          `${step && step.status !== 'succeeded' ? ` (its step ${step.status}${step.error ? `: ${step.error}` : ''})` : ''}. ` +
          `It materialized: ${made.length > 0 ? made.join(', ') : 'nothing'}. Check the selection and result.success / result.error.`,
      );
    }
    const loaded = values.get(slotKey(chosen.assetKey, chosen.partitionKey));
    if (!loaded) {
      throw new ValueNotMaterializedError(`"${assetKey}" was materialized by a step these definitions do not have, so its IO manager is unknown.`);
    }
    if (!loaded.ok) {
      const why = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
      throw new ValueLoadError(`Reading "${assetKey}" back from its IO manager failed: ${why}`, { cause: loaded.error });
    }
    return loaded.value;
  }

  return {
    ...result,
    success: result.status === 'succeeded',
    error: failed?.error ?? (result.status === 'succeeded' ? null : `run ${result.status}`),
    materializations,
    logs,
    plan,
    valueOf: valueOf as TestRunResult['valueOf'],
    step(stepKeyOrAsset) {
      const byKey = typeof stepKeyOrAsset === 'string' ? result.steps.find((s) => s.key === stepKeyOrAsset) : undefined;
      const assetKey = keyOf(stepKeyOrAsset);
      return byKey ?? result.steps.find((s) => s.assetKeys.includes(assetKey) && !checkSteps.has(s.key));
    },
  };
}
