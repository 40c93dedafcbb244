import { createHash } from 'node:crypto';
import type { Definitions } from '../definitions/definitions';

// The definitions hash a plan carries: which code the CLI (or app, schedule, sensor) that planned
// the run had for the run's steps. The worker computes it again from its own definitions when the
// run starts (the `stratum.startRun` activity) and warns when they differ, e.g. a `stratum dev`
// worker still running yesterday's defs.ts, which would record the old code versions.

/** What the hash covers for one step, as `defs` has it: key, kind and code versions (the step's and each of its assets'). */
function stepFingerprint(defs: Definitions, stepKey: string): string {
  const spec = defs.steps.get(stepKey);
  if (spec) {
    const assets = spec.assetKeys.map((key) => `${key}=${defs.assetNodes.get(key)?.codeVersion ?? ''}`);
    return [spec.key, spec.kind, spec.codeVersion ?? '', ...assets].join('\t');
  }
  const check = defs.assetChecks.get(stepKey);
  if (check) return [stepKey, 'check', check.assetKey].join('\t');
  return [stepKey, 'unknown'].join('\t');
}

/**
 * A short hash of the steps `stepKeys` as `defs` defines them (key, kind, code versions). Equal
 * hashes mean the planner and the worker agree on the code of every step of the run.
 */
export function definitionsHash(defs: Definitions, stepKeys: readonly string[]): string {
  const hash = createHash('sha256');
  for (const key of [...stepKeys].sort()) hash.update(`${stepFingerprint(defs, key)}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** The code versions of the assets of `stepKeys` as `defs` has them, for messages: `a@v2, b (no code version)`. */
export function describeCodeVersions(defs: Definitions, stepKeys: readonly string[]): string {
  const assets = [...new Set(stepKeys.flatMap((key) => defs.steps.get(key)?.assetKeys ?? []))];
  const shown = assets.slice(0, 10).map((key) => {
    const version = defs.assetNodes.get(key)?.codeVersion ?? null;
    return version === null ? `${key} (no code version)` : `${key}@${version}`;
  });
  return shown.join(', ') + (assets.length > 10 ? `, … (${assets.length} assets)` : '');
}
