import type { CatalogReader, MaterializationRecord } from '../../catalog';
import type { Definitions } from '../../definitions/definitions';
import { loadPartitionContext } from '../../definitions/partition-context';
import { defaultMappingFor, type PartitionContext, type PartitionMapping } from '../../partitions';
import type { AssetMaterializedEvent, SensorTrigger } from '../../protocol/sensor-contract';
import { skip, type AnySensorDefinition, type RunRequest, type SensorEvaluationContext, type SensorResult } from './sensor-definition';
import { SensorRunTags } from './sensor-run-tags';
import type { AssetNode } from '../../definitions/step-spec';

/** Name of the built-in sensor that runs eager automation (one per code location). */
export const EAGER_AUTOMATION_SENSOR = 'stratum_eager_automation';

/** The value of the `stratum/automation` tag on runs eager automation starts. */
export const EAGER_AUTOMATION_TAG_VALUE = 'eager';

/** The upstream edges that decide an eager asset's readiness (an asset reading its own earlier partitions is left out). */
function upstreamOf(node: AssetNode): AssetNode['upstream'] {
  return node.upstream.filter((up) => up.assetKey !== node.key);
}

function mappingOf(definitions: Definitions, node: AssetNode, up: AssetNode['upstream'][number]): PartitionMapping {
  return up.mapping ?? defaultMappingFor(definitions.assetNodes.get(up.assetKey)!.partitions, node.partitions);
}

/** Whether materializations of `upstreamKey`'s partition P are about partition P of the eager asset. */
function mapsOneToOne(definitions: Definitions, node: AssetNode, up: AssetNode['upstream'][number]): boolean {
  const upstream = definitions.assetNodes.get(up.assetKey)!.partitions;
  if (upstream === null || node.partitions === null) return false;
  const mapping = mappingOf(definitions, node, up);
  return mapping.kind === 'identity' && mapping.cardinalityFor({ upstream, downstream: node.partitions }) === 'one';
}

/** Why an eager asset will or will not be requested for a partition. */
export type EagerReadiness =
  | {
      ready: true;
      /** Run key: the eager asset, its partition and the newest materialization id of each upstream, so the same upstream versions never start two runs. */
      runKey: string;
      upstream: { assetKey: string; newestMaterializationId: number }[];
    }
  | { ready: false; reason: string };

/**
 * Whether an eager asset's partition (`null`: unpartitioned) should be materialized: every
 * upstream asset has a materialization newer than the data the eager asset last read (newer than
 * the start of its latest materialization; any time if it was never materialized), and no upstream
 * partition it reads is missing. For a partitioned eager asset, each upstream's partitions come
 * from the dependency's partition mapping; an unpartitioned eager asset compares with each
 * upstream's newest materialization of any partition.
 */
export async function eagerReadiness(catalog: CatalogReader, definitions: Definitions, assetKey: string, partitionKey: string | null, ctx: PartitionContext): Promise<EagerReadiness> {
  const node = definitions.assetNodes.get(assetKey);
  if (!node) return { ready: false, reason: `"${assetKey}" is not an asset of these definitions` };
  const last = await catalog.latestMaterialization(assetKey, node.partitions === null ? null : partitionKey);
  const since = last?.startedAt ?? Number.NEGATIVE_INFINITY;
  const what = `"${assetKey}"${partitionKey !== null ? ` [${partitionKey}]` : ''}`;
  const upstream: { assetKey: string; newestMaterializationId: number }[] = [];
  for (const up of upstreamOf(node)) {
    const upNode = definitions.assetNodes.get(up.assetKey)!;
    let found: MaterializationRecord[];
    if (node.partitions === null) {
      const newest = await catalog.latestMaterialization(up.assetKey);
      if (!newest) return { ready: false, reason: `${what} waits for "${up.assetKey}", which was never materialized` };
      found = [newest];
    } else {
      const keys = mappingOf(definitions, node, up).upstreamKeysFor(partitionKey, { upstream: upNode.partitions, downstream: node.partitions }, ctx);
      if (!keys.partitioned) {
        const newest = await catalog.latestMaterialization(up.assetKey, null);
        if (!newest) return { ready: false, reason: `${what} waits for "${up.assetKey}", which was never materialized` };
        found = [newest];
      } else {
        if (keys.missing.length > 0 && keys.keys.length === 0) return { ready: false, reason: `${what} reads partitions of "${up.assetKey}" that do not exist (${keys.missing.slice(0, 3).join(', ')})` };
        found = [];
        for (const key of keys.keys) {
          const m = await catalog.latestMaterialization(up.assetKey, key);
          if (!m) return { ready: false, reason: `${what} waits for "${up.assetKey}" [${key}], which was never materialized` };
          found.push(m);
        }
      }
    }
    const newest = found.reduce((a, b) => (b.materializedAt > a.materializedAt || (b.materializedAt === a.materializedAt && b.id > a.id) ? b : a));
    if (newest.materializedAt <= since) {
      return { ready: false, reason: `${what} waits for a new materialization of "${up.assetKey}" (its newest is not newer than ${what}'s latest run)` };
    }
    upstream.push({ assetKey: up.assetKey, newestMaterializationId: Math.max(...found.map((m) => m.id)) });
  }
  const runKey = `eager:${assetKey}:${partitionKey ?? ''}:${upstream.map((u) => `${u.assetKey}@${u.newestMaterializationId}`).join(',')}`;
  return { ready: true, runKey, upstream };
}

/**
 * Eager automation (Dagster's `AutomationCondition.eager()`, in its simplest form): the built-in
 * sensor `stratum_eager_automation` watches every upstream asset of the assets declared with
 * `automation: 'eager'`. When one of them materializes, it requests each eager asset downstream
 * whose upstream assets all have new materializations (see {@link eagerReadiness}), for the same
 * partition when the two are partitioned alike (identity mapping), unpartitioned otherwise. The run
 * materializes that asset only, tagged `stratum/automation: eager`; its own materialization in
 * turn notifies eager assets further down. A run that itself materializes the eager asset (e.g. a
 * `*` run) does not trigger it. Added by `sensorsOf(definitions)`; running by default.
 */
export class EagerAutomationSensorDefinition implements AnySensorDefinition {
  readonly kind = 'automation' as const;
  readonly name = EAGER_AUTOMATION_SENSOR;
  readonly description = 'Materializes assets declared with automation: eager when all their upstream assets have new materializations.';
  readonly defaultStatus = 'running' as const;
  readonly every = null;
  readonly target = null;
  readonly watchedRuns = null;
  readonly watchedAssets: readonly string[];
  /** Eager asset keys by the key of each upstream asset. */
  private readonly eagerByUpstream: ReadonlyMap<string, readonly string[]>;

  constructor(
    /** Keys of the eager assets. */
    readonly eagerAssets: readonly string[],
    definitions: Pick<Definitions, 'assetNodes'>,
  ) {
    const byUpstream = new Map<string, string[]>();
    for (const key of eagerAssets) {
      const node = definitions.assetNodes.get(key);
      for (const up of node ? upstreamOf(node) : []) byUpstream.set(up.assetKey, [...(byUpstream.get(up.assetKey) ?? []), key]);
    }
    this.eagerByUpstream = byUpstream;
    this.watchedAssets = [...byUpstream.keys()];
  }

  /** Nothing left to check: `Definitions` refuses eager assets that could never be triggered. */
  validate(): void {}

  async evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult> {
    if (trigger.kind !== 'asset-materialized') return skip(`eager automation only reacts to materializations (got a ${trigger.kind} trigger)`);
    const event = trigger.event;
    const eager = this.eagerByUpstream.get(event.assetKey) ?? [];
    if (eager.length === 0) return skip(`no eager asset is downstream of "${event.assetKey}"`);
    const definitions = ctx.definitions;
    const partitionCtx = await loadPartitionContext(ctx.catalog, definitions);
    const requests: RunRequest[] = [];
    const reasons: string[] = [];
    // A run that materializes the eager asset itself (e.g. `*`) takes care of it: never double it.
    const source = await ctx.catalog.getRun(event.runId);
    for (const key of eager) {
      if (source?.assetKeys.includes(key)) {
        reasons.push(`"${key}" is materialized by run ${event.runId} itself`);
        continue;
      }
      const partitionKey = this.partitionFor(definitions, key, event, partitionCtx);
      if (partitionKey === undefined) {
        reasons.push(`"${key}" is partitioned differently from "${event.assetKey}"; it runs when an upstream with the same partitions materializes`);
        continue;
      }
      const readiness = await eagerReadiness(ctx.catalog, definitions, key, partitionKey, partitionCtx);
      if (!readiness.ready) {
        reasons.push(readiness.reason);
        continue;
      }
      requests.push({
        runKey: readiness.runKey,
        selection: key,
        partitionKey,
        tags: { [SensorRunTags.sensor]: this.name, [SensorRunTags.automation]: EAGER_AUTOMATION_TAG_VALUE },
      });
    }
    if (reasons.length > 0) ctx.log.info(`eager automation after "${event.assetKey}"${event.partitionKey !== null ? ` [${event.partitionKey}]` : ''}: ${reasons.join('; ')}`);
    return requests.length > 0 ? requests : skip(reasons.join('; '));
  }

  /** The eager asset's partition an upstream materialization is about: `null` unpartitioned, `undefined` none. */
  private partitionFor(definitions: Definitions, eagerKey: string, event: AssetMaterializedEvent, ctx: PartitionContext): string | null | undefined {
    const node = definitions.assetNodes.get(eagerKey)!;
    if (node.partitions === null) return null;
    const up = upstreamOf(node).find((u) => u.assetKey === event.assetKey);
    if (!up || event.partitionKey === null || !mapsOneToOne(definitions, node, up)) return undefined;
    try {
      node.partitions.validateKey(event.partitionKey, ctx);
      return event.partitionKey;
    } catch {
      return undefined;
    }
  }
}

/** The eager automation sensor of these definitions: one when some asset is eager, none otherwise. */
export function eagerAutomationSensors(definitions: Pick<Definitions, 'eagerAssetKeys' | 'assetNodes'>): EagerAutomationSensorDefinition[] {
  const keys = definitions.eagerAssetKeys;
  return keys.length === 0 ? [] : [new EagerAutomationSensorDefinition(keys, definitions)];
}
