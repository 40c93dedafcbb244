import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { InvalidRequestError } from '../sdk/errors';
import { dynamicPartitionNames } from '../sdk/definitions/partition-context';
import { partitionKeyProblem } from '../sdk/partitions';
import { suggestSimilar } from '../sdk/errors/suggest';
import { partitionKeyLengthProblem } from '../sdk/planning/temporal-limits-check';

/**
 * A dynamic partitions name that no asset's partitions definition uses (itself or one dimension
 * of multi partitions). Keys stored under such a name would be partitions of nothing, so they
 * are refused; the message lists the names the definitions use and near matches.
 */
export class UnknownDynamicPartitionsError extends InvalidRequestError {
  readonly code = 'STRATUM_UNKNOWN_DYNAMIC_PARTITIONS';

  constructor(
    /** The dynamic partitions name that was asked for. */
    readonly partitionsName: string,
    /** The dynamic partitions names the definitions use, sorted. */
    readonly known: readonly string[],
  ) {
    const similar = suggestSimilar(partitionsName, known);
    const hint = similar.length > 0 ? ` Did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?` : '';
    const names =
      known.length === 0
        ? 'These definitions have no dynamic partitions: declare them on an asset with partitions: dynamicPartitions({ name }).'
        : `Known dynamic partitions names: ${known.join(', ')}.`;
    super(`No asset is partitioned by dynamic partitions "${partitionsName}", so it has no keys to change.${hint} ${names}`);
  }
}

/**
 * Partition keys that cannot be dynamic partition keys (empty, surrounding spaces, control
 * characters, `|`, `...`, `,`, `[` or `]`, longer than `MAX_PARTITION_KEY_BYTES`). Lists every bad key; nothing is written.
 */
export class InvalidDynamicPartitionKeyError extends InvalidRequestError {
  readonly code = 'STRATUM_INVALID_DYNAMIC_PARTITION_KEY';

  constructor(
    /** The dynamic partitions name the keys were for. */
    readonly partitionsName: string,
    /** Each refused key with what is wrong with it. */
    readonly problems: readonly { key: string; problem: string }[],
  ) {
    super(
      problems.length === 0
        ? `Give at least one partition key for dynamic partitions "${partitionsName}", e.g. stratum partitions add ${partitionsName} KEY.`
        : `Invalid partition key${problems.length === 1 ? '' : 's'} for dynamic partitions "${partitionsName}": ${problems.map((p) => p.problem).join('; ')}. Nothing was changed; rename the key${problems.length === 1 ? '' : 's'} and try again.`,
    );
  }
}

/** What {@link addDynamicPartitions} did. */
export interface AddDynamicPartitionsResult {
  /** The dynamic partitions name. */
  name: string;
  /** Keys that were new, in the order given. */
  added: string[];
  /** Keys that were there already (adding is idempotent), in the order given. */
  alreadyPresent: string[];
  /** Assets partitioned by this name (directly or by one dimension). */
  assetKeys: string[];
}

/** What {@link removeDynamicPartitions} did. */
export interface RemoveDynamicPartitionsResult {
  /** The dynamic partitions name. */
  name: string;
  /** Keys that existed and were removed, in the order given. */
  removed: string[];
  /** Keys that were not partitions of this name, in the order given. */
  notFound: string[];
  /** Assets partitioned by this name (directly or by one dimension). */
  assetKeys: string[];
}

/**
 * Every dynamic partitions name the definitions use, with the assets partitioned by it
 * (directly, or by one dimension of multi partitions), sorted by name.
 *
 * @example
 * dynamicPartitionsUsage(defs); // Map { 'customers' => ['customer_orders', 'customer_report'] }
 */
export function dynamicPartitionsUsage(definitions: Definitions): Map<string, string[]> {
  const usage = new Map<string, string[]>();
  for (const node of definitions.assetNodes.values()) {
    for (const name of dynamicPartitionNames(node.partitions)) usage.set(name, [...(usage.get(name) ?? []), node.key]);
  }
  return new Map([...usage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Adds keys to a dynamic partitions definition in the catalog, as `stratum partitions add`
 * does: for app code and sensors. Refuses a name no asset uses and invalid keys (nothing is
 * written then); adding a key that exists is a no-op, reported in `alreadyPresent`.
 *
 * @example
 * const { added } = await addDynamicPartitions(catalog, defs, 'customers', ['acme', 'globex']);
 */
export async function addDynamicPartitions(catalog: Catalog, definitions: Definitions, name: string, keys: readonly string[]): Promise<AddDynamicPartitionsResult> {
  const { wanted, assetKeys } = checkRequest(definitions, name, keys);
  const { added } = await catalog.addDynamicPartitions(name, wanted);
  const isNew = new Set(added);
  return { name, added: wanted.filter((k) => isNew.has(k)), alreadyPresent: wanted.filter((k) => !isNew.has(k)), assetKeys };
}

/**
 * Removes keys from a dynamic partitions definition in the catalog, as `stratum partitions
 * remove` does. Same checks as {@link addDynamicPartitions}; keys that were not there are
 * reported in `notFound`. Materializations of removed partitions stay in the catalog's history.
 *
 * @example
 * const { removed, notFound } = await removeDynamicPartitions(catalog, defs, 'customers', ['acme']);
 */
export async function removeDynamicPartitions(catalog: Catalog, definitions: Definitions, name: string, keys: readonly string[]): Promise<RemoveDynamicPartitionsResult> {
  const { wanted, assetKeys } = checkRequest(definitions, name, keys);
  const { deleted } = await catalog.deleteDynamicPartitions(name, wanted);
  const gone = new Set(deleted);
  return { name, removed: wanted.filter((k) => gone.has(k)), notFound: wanted.filter((k) => !gone.has(k)), assetKeys };
}

/** Checks the name and the keys; returns the keys without duplicates and the assets using the name. */
function checkRequest(definitions: Definitions, name: string, keys: readonly string[]): { wanted: string[]; assetKeys: string[] } {
  const usage = dynamicPartitionsUsage(definitions);
  const assetKeys = usage.get(name);
  if (assetKeys === undefined) throw new UnknownDynamicPartitionsError(String(name), [...usage.keys()]);
  if (!Array.isArray(keys)) throw new InvalidDynamicPartitionKeyError(name, [{ key: String(keys), problem: `keys must be an array of strings, got ${typeof keys}` }]);
  const problems = keys.map((key) => ({ key: String(key), problem: partitionKeyProblem(key) ?? partitionKeyLengthProblem(String(key)) })).filter((p): p is { key: string; problem: string } => p.problem !== null);
  if (problems.length > 0 || keys.length === 0) throw new InvalidDynamicPartitionKeyError(name, problems);
  return { wanted: [...new Set(keys)], assetKeys };
}
