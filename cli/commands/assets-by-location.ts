import path from 'node:path';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { StalenessResolver } from '../../sdk/versions/staleness';
import type { CommonOptions } from '../cli-context';
import { lazyCatalog } from '../lazy-catalog';
import { formatTime, log, out, printJson, printTable } from '../output';
import { resolveWorkspace } from '../workspace/load-workspace';
import { checkWorkspaceAssetKeys, loadAllLocations } from '../workspace/open-location';
import { assetStalenessView } from './asset-staleness';

/**
 * `stratum assets list` over a workspace of several locations (no `--location`): every
 * location's assets, grouped by location; a location whose module fails to load shows its error
 * and the others are listed. Returns false when the command works with one location (then the
 * single-location listing runs).
 */
export async function listAssetsOfEveryLocation(options: CommonOptions & { json?: boolean }): Promise<boolean> {
  if (options.location !== undefined || (options.defs ?? process.env.STRATUM_DEFS)) return false;
  const workspace = resolveWorkspace(options);
  if (workspace.file === null || workspace.locations.length < 2) return false;
  const loaded = loadAllLocations(workspace);
  try {
    checkWorkspaceAssetKeys(loaded);
  } catch (error) {
    log((error as Error).message);
    process.exitCode = 1;
  }
  const json: Record<string, unknown>[] = [];
  for (const l of loaded) {
    const shown = shownPath(l.location.defs);
    if (!options.json) out(`Location ${l.location.name} (${shown}, task queue ${l.location.taskQueue})`);
    if (!l.definitions) {
      if (options.json) json.push({ location: l.location.name, loadError: l.error.message });
      else out(`  load error: ${l.error.message}\n`);
      continue;
    }
    const definitions = l.definitions;
    const catalog = lazyCatalog(options.catalog ?? l.location.catalog ?? defaultCatalogLocation());
    try {
      const stats = new Map((await catalog.listAssets()).map((a) => [a.assetKey, a]));
      const resolver = await StalenessResolver.create(definitions, catalog);
      const rows = [];
      for (const node of definitions.assetNodes.values()) {
        const view = await assetStalenessView(resolver, definitions, node.key);
        rows.push({
          location: l.location.name,
          key: node.key,
          external: node.external ? { location: node.external.location } : null,
          status: view.status,
          statusLabel: view.label,
          group: node.group,
          partitions: node.partitions?.describe() ?? null,
          upstream: node.upstream.map((u) => u.assetKey),
          lastMaterializedAt: stats.get(node.key)?.lastMaterializedAt ?? null,
          materializations: stats.get(node.key)?.materializationCount ?? 0,
        });
      }
      if (options.json) {
        json.push(...rows);
        continue;
      }
      printTable(
        ['  ASSET', 'GROUP', 'PARTITIONS', 'LAST MATERIALIZED', 'COUNT', 'STATUS'],
        rows.map((r) => [`  ${r.key}${r.external ? ` (from ${r.external.location ?? 'another location'})` : ''}`, r.group, r.partitions, formatTime(r.lastMaterializedAt), r.materializations, r.statusLabel]),
      );
      out();
    } finally {
      await catalog.close();
    }
  }
  if (options.json) printJson(json);
  return true;
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
