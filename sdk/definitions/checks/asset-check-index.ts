import { AssetCheckDefinition } from './asset-check';
import { DuplicateKeyError, InvalidDefinitionError, UnknownResourceError } from '../../errors';
import type { ResourceDefinition } from '../resource';
import type { AssetNode } from '../step-spec';
import { suggestSimilar } from '../../errors/suggest';

/**
 * Validates the asset checks of a `Definitions` and indexes them by step key: each is made with
 * `assetCheck()`, checks an asset of the definitions, is unique per (asset, name), and names
 * resources the definitions provide. Every problem of a kind is reported at once.
 */
export function indexAssetChecks(
  checks: readonly unknown[],
  assetNodes: ReadonlyMap<string, AssetNode>,
  resources: Readonly<Record<string, ResourceDefinition<any>>>,
): Map<string, AssetCheckDefinition<any>> {
  checks.forEach((check, i) => {
    if (!(check instanceof AssetCheckDefinition)) {
      throw new InvalidDefinitionError(`Definitions assetChecks[${i}] is not an asset check; pass values made with assetCheck(), rowCountCheck() or freshnessCheck().`);
    }
  });
  const all = checks as readonly AssetCheckDefinition<any>[];
  const missing = all.filter((c) => !assetNodes.has(c.assetKey));
  if (missing.length > 0) {
    const listed = missing.map((c) => {
      const near = suggestSimilar(c.assetKey, assetNodes.keys());
      return `${c.owner} checks an asset that is not in Definitions${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`;
    });
    throw new InvalidDefinitionError(`${listed.join('; ')}. Add the asset to Definitions({ assets: [...] }), or remove the check.`);
  }
  const byKey = new Map<string, AssetCheckDefinition<any>>();
  const collisions = new Map<string, string[]>();
  for (const check of all) {
    const previous = byKey.get(check.stepKey);
    if (previous) collisions.set(check.stepKey, [...(collisions.get(check.stepKey) ?? [previous.owner]), check.owner]);
    byKey.set(check.stepKey, check);
  }
  if (collisions.size > 0) {
    throw new DuplicateKeyError([...collisions].map(([key, definedBy]) => ({ key, definedBy })));
  }
  const unknown = all.flatMap((check) =>
    Object.keys(check.resources)
      .filter((key) => !(key in resources))
      .map((key) => ({ requiredBy: check.owner, resourceKey: key, kind: 'resource' as const, suggestions: suggestSimilar(key, Object.keys(resources)) })),
  );
  if (unknown.length > 0) throw new UnknownResourceError(unknown);
  return byKey;
}
