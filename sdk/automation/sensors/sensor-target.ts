import type { AssetRef } from '../../definitions/asset-ref';
import type { Definitions } from '../../definitions/definitions';
import { InvalidDefinitionError } from '../../errors';
import { AssetJobDefinition, type AnyJobDefinition } from '../../definitions/job';
import { resolveSelection } from '../../definitions/selection';
import { suggestSimilar } from '../../errors/suggest';

/** Where the runs an event-driven sensor requests go: a job or an asset selection. */
export type SensorTarget = { job: string } | { selection: string };

/** An asset given by reference (`orders`) or by key (`'sales/orders'`). */
export type AssetRefOrKey = AssetRef<any> | string;

/** The key of an asset given by reference or key. */
export function assetKeyOf(asset: AssetRefOrKey): string {
  return typeof asset === 'string' ? asset : asset.assetKey;
}

/** The name of a job given by reference or name. */
export function jobNameOf(job: AnyJobDefinition | string): string {
  return typeof job === 'string' ? job : job.name;
}

/** Checks a sensor name: it becomes the workflow id `stratum/sensor/<name>`. */
export function validateSensorName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    throw new InvalidDefinitionError(`Invalid ${what} name ${JSON.stringify(name)}. Use letters, digits, '_' and '-', starting with a letter or '_' (it becomes the workflow id stratum/sensor/<name>).`);
  }
  return name;
}

/** The target of `{ job }` or `{ selection }` options; refuses both. */
export function sensorTargetOf(owner: string, options: { job?: AnyJobDefinition | string; selection?: string }): SensorTarget | null {
  if (options.job !== undefined && options.selection !== undefined) {
    throw new InvalidDefinitionError(`${owner}: give a job or a selection to run, not both.`);
  }
  if (options.job !== undefined) return { job: jobNameOf(options.job) };
  if (options.selection !== undefined) {
    if (typeof options.selection !== 'string' || options.selection.trim() === '') throw new InvalidDefinitionError(`${owner}: selection must be a non-empty selection string such as 'orders+'.`);
    return { selection: options.selection };
  }
  return null;
}

/** Checks that a sensor's target and watched assets exist in the definitions; the error names the sensor. */
export function validateSensorReferences(owner: string, definitions: Definitions, target: SensorTarget | null, watchedAssets: readonly string[], watchedJobs: readonly string[] = []): void {
  const unknownAssets = watchedAssets.filter((key) => !definitions.assetNodes.has(key));
  if (unknownAssets.length > 0) {
    throw new InvalidDefinitionError(
      `${owner} watches unknown asset${unknownAssets.length > 1 ? 's' : ''} ${unknownAssets
        .map((key) => {
          const near = suggestSimilar(key, definitions.assetNodes.keys());
          return `"${key}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`;
        })
        .join(', ')}. Add the asset to Definitions({ assets }) or fix the key.`,
    );
  }
  const jobNames = definitions.jobs.map((j) => j.name);
  const unknownJobs = [...watchedJobs, ...(target && 'job' in target ? [target.job] : [])].filter((name) => !definitions.job(name));
  if (unknownJobs.length > 0) {
    throw new InvalidDefinitionError(
      `${owner} names unknown job${unknownJobs.length > 1 ? 's' : ''} ${unknownJobs
        .map((name) => {
          const near = suggestSimilar(name, jobNames);
          return `"${name}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`;
        })
        .join(', ')}. Add the job to Definitions({ jobs }) or fix the name.`,
    );
  }
  if (target && 'selection' in target) {
    try {
      resolveSelection(definitions, target.selection);
    } catch (error) {
      if (error instanceof Error) throw new InvalidDefinitionError(`${owner}: its selection "${target.selection}" does not resolve: ${error.message}`);
      throw error;
    }
  }
}

/** Whether a target materializes partitioned assets (so its run requests need a partition key). */
export function targetIsPartitioned(definitions: Definitions, target: SensorTarget): boolean {
  let assetKeys: string[];
  if ('selection' in target) assetKeys = resolveSelection(definitions, target.selection);
  else {
    const job = definitions.job(target.job);
    assetKeys = job instanceof AssetJobDefinition ? resolveSelection(definitions, job.options.selection) : [];
  }
  return assetKeys.some((key) => definitions.assetNodes.get(key)?.partitions != null);
}
