import type { AssetCheckDefinition } from '../sdk/definitions/checks/asset-check';
import type { CheckResultRecord } from '../sdk/catalog';
import type { RunResult, StepOutcome } from '../sdk/protocol/plan';
import { formatTime, out, printTable } from './output';

const CHECK_INFIX = ':check:';

/** `{ assetKey, checkName }` of a check step key (`sales/orders:check:row_count`), or null for other steps. */
export function parseCheckStepKey(stepKey: string): { assetKey: string; checkName: string } | null {
  const at = stepKey.lastIndexOf(CHECK_INFIX);
  return at < 0 ? null : { assetKey: stepKey.slice(0, at), checkName: stepKey.slice(at + CHECK_INFIX.length) };
}

/** For the progress line of a check step that returned: `passed`, or `failed (warn): why`; null for other steps. */
export function checkStepDetail(step: StepOutcome): string | null {
  if (!step.checks || step.checks.length === 0) return null;
  const failed = step.checks.filter((c) => c.outcome !== 'passed');
  if (failed.length === 0) return 'passed';
  const first = failed[0]!;
  return `check failed (${first.severity}${first.blocking ? ', blocking' : ''})${first.description ? `: ${first.description}` : ''}`;
}

/** The check results of a run as a table on stdout (nothing when the run had no checks). */
export function printRunChecks(result: RunResult): void {
  const rows: (string | null)[][] = [];
  for (const step of result.steps) {
    const parsed = parseCheckStepKey(step.key);
    if (!parsed) continue;
    if (step.checks && step.checks.length > 0) {
      for (const c of step.checks) rows.push([c.assetKey, c.checkName, c.partitionKey, c.outcome.toUpperCase(), `${c.severity}${c.blocking ? ', blocking' : ''}`, c.description]);
    } else {
      rows.push([parsed.assetKey, parsed.checkName, result.partitionKey, step.status === 'failed' ? 'FAILED' : step.status.toUpperCase(), null, step.error]);
    }
  }
  if (rows.length === 0) return;
  out();
  printTable(['ASSET', 'CHECK', 'PARTITION', 'RESULT', 'SEVERITY', 'DESCRIPTION'], rows);
}

/** The "Checks" section of `stratum assets show`: each defined check with its latest result. */
export function printAssetChecks(checks: readonly AssetCheckDefinition<any>[], latest: readonly CheckResultRecord[]): void {
  if (checks.length === 0 && latest.length === 0) return;
  const byName = new Map(latest.map((r) => [r.checkName, r]));
  const names = [...new Set([...checks.map((c) => c.name), ...latest.map((r) => r.checkName)])];
  out();
  out('Checks');
  printTable(
    ['CHECK', 'SEVERITY', 'LAST RESULT', 'EVALUATED', 'PARTITION', 'RUN', 'DESCRIPTION'],
    names.map((name) => {
      const check = checks.find((c) => c.name === name);
      const r = byName.get(name);
      const severity = check ? `${check.severity}${check.blocking ? ', blocking' : ''}` : 'not defined';
      return [name, severity, r ? r.outcome.toUpperCase() : 'never run', formatTime(r?.evaluatedAt), r?.partitionKey, r?.runId, r?.description ?? check?.description ?? null];
    }),
  );
}

/** The JSON form of an asset's checks for `assets show --json`. */
export function assetChecksJson(checks: readonly AssetCheckDefinition<any>[], latest: readonly CheckResultRecord[]) {
  const byName = new Map(latest.map((r) => [r.checkName, r]));
  return checks.map((c) => ({ name: c.name, severity: c.severity, blocking: c.blocking, description: c.description, latest: byName.get(c.name) ?? null }));
}
