import type { AssetCheckDefinition } from '../definitions/checks/asset-check';
import type { Definitions } from '../definitions/definitions';
import type { PlanStep } from '../protocol/plan';

/**
 * What a plan does with the checks of its assets: `run` them after their assets (default), `skip`
 * them, or run `only` them (without materializing: `stratum checks run`).
 */
export type PlanChecksMode = 'run' | 'skip' | 'only';

/**
 * Adds a `check` step after each asset step for every check of the assets it materializes, with
 * the same partition (key or range). Every step that depends on an asset's step also depends on
 * that asset's blocking error checks, so a failing one skips it. In `only` mode the result holds
 * the check steps alone, without dependencies.
 */
export function withCheckSteps(defs: Definitions, steps: readonly PlanStep[], mode: PlanChecksMode): PlanStep[] {
  if (mode === 'skip' || defs.assetChecks.size === 0) return mode === 'only' ? [] : [...steps];
  const result: PlanStep[] = [];
  const checkSteps: PlanStep[] = [];
  const blockingByAsset = new Map<string, string[]>();
  for (const step of steps) {
    result.push(step);
    if (step.kind === 'check') continue;
    for (const assetKey of step.assetKeys) {
      for (const check of defs.checksOf(assetKey)) {
        const checkStep = checkStepOf(check, step, mode);
        result.push(checkStep);
        checkSteps.push(checkStep);
        if (check.blocking && check.severity === 'error') blockingByAsset.set(assetKey, [...(blockingByAsset.get(assetKey) ?? []), checkStep.key]);
      }
    }
  }
  if (mode === 'only') return checkSteps;
  if (blockingByAsset.size === 0) return result;
  return result.map((step) => {
    if (step.kind === 'check') return step;
    const extra = blockingChecksReadBy(defs, step, blockingByAsset);
    return extra.length === 0 ? step : { ...step, dependsOn: [...new Set([...step.dependsOn, ...extra])] };
  });
}

function checkStepOf(check: AssetCheckDefinition<any>, assetStep: PlanStep, mode: PlanChecksMode): PlanStep {
  const partition = assetStep.partitionKey ?? (assetStep.partitionRange ? `${assetStep.partitionRange.from}...${assetStep.partitionRange.to}` : null);
  return {
    key: check.stepKey,
    kind: 'check',
    assetKeys: [],
    dependsOn: mode === 'only' ? [] : [assetStep.key],
    config: undefined,
    partitionKey: assetStep.partitionKey,
    partitionRange: assetStep.partitionRange,
    retry: check.execution.retry,
    timeoutMs: check.execution.timeoutMs,
    heartbeatTimeoutMs: check.execution.heartbeatTimeoutMs,
    summary: `${check.blocking ? 'blocking ' : ''}${check.severity} check${partition === null ? '' : ` [${partition}]`}`,
    checkOf: { assetKey: check.assetKey, name: check.name, severity: check.severity, blocking: check.blocking },
  };
}

/** Blocking check steps of the assets `step` reads or depends on, for the upstream steps it already waits for. */
function blockingChecksReadBy(defs: Definitions, step: PlanStep, blockingByAsset: Map<string, string[]>): string[] {
  const spec = defs.steps.get(step.key);
  if (!spec) return [];
  const upstream = [
    ...Object.values(spec.inputs).flatMap((source) => (source.kind === 'asset' ? [source.assetKey] : [])),
    ...spec.deps.map((d) => d.assetKey),
  ];
  return upstream.flatMap((assetKey) => {
    const stepKey = defs.assetNodes.get(assetKey)?.stepKey;
    if (stepKey === undefined || stepKey === step.key || !step.dependsOn.includes(stepKey)) return [];
    return blockingByAsset.get(assetKey) ?? [];
  });
}
