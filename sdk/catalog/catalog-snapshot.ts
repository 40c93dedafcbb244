import type { AssetSummary, Catalog, MaterializationRecord, ObservationRecord, PartitionStatusRecord, RunWithSteps } from './catalog';
import type { CheckResultRecord } from './check-result';

/**
 * Everything in a catalog that workflow history also records, in a canonical order and without
 * storage details (auto-increment ids): what `stratum catalog rebuild` must reproduce exactly.
 * Log lines, dynamic partition keys and sensor state are not part of it (history does not hold them).
 */
export interface CatalogSnapshot {
  runs: RunWithSteps[];
  materializations: Omit<MaterializationRecord, 'id'>[];
  partitions: (PartitionStatusRecord & { assetKey: string; partitionKey: string | null })[];
  assets: AssetSummary[];
  checks: Omit<CheckResultRecord, 'id'>[];
  observations: Omit<ObservationRecord, 'id'>[];
}

const PAGE = 1_000;

/** Reads a {@link CatalogSnapshot} through the catalog interface (fine for catalogs of a few 100,000 rows). */
export async function snapshotCatalog(catalog: Catalog): Promise<CatalogSnapshot> {
  const runs: RunWithSteps[] = [];
  for (const run of await catalog.listRuns({ limit: Number.MAX_SAFE_INTEGER })) {
    const full = await catalog.getRun(run.runId);
    if (full) runs.push(full);
  }
  runs.sort((a, b) => a.runId.localeCompare(b.runId));
  const assets = await catalog.listAssets();
  const materializations: Omit<MaterializationRecord, 'id'>[] = [];
  const partitions: CatalogSnapshot['partitions'] = [];
  const checks: CatalogSnapshot['checks'] = [];
  for (const run of runs) for (const { id: _id, ...rest } of await catalog.runCheckResults(run.runId)) checks.push(rest);
  const observations: CatalogSnapshot['observations'] = [];
  for (const assetKey of new Set([...assets.map((a) => a.assetKey), ...runs.flatMap((r) => r.assetKeys)])) {
    for (const { id: _id, ...rest } of await catalog.observationHistory(assetKey, { limit: Number.MAX_SAFE_INTEGER })) observations.push(rest);
  }
  for (const { assetKey } of assets) {
    let beforeId: number | undefined;
    for (;;) {
      const page = await catalog.materializationHistory(assetKey, { limit: PAGE, beforeId });
      for (const { id: _id, ...rest } of page) materializations.push(rest);
      if (page.length < PAGE) break;
      beforeId = page[page.length - 1]!.id;
    }
    const unpartitioned = await catalog.partitionStatus(assetKey, null);
    if (unpartitioned) partitions.push({ assetKey, partitionKey: null, ...unpartitioned });
    for (const [partitionKey, status] of await catalog.partitionStatuses(assetKey)) partitions.push({ assetKey, partitionKey, ...status });
  }
  const key = (m: { assetKey: string; partitionKey: string | null; runId: string }) => `${m.assetKey}\u0000${m.partitionKey ?? ''}\u0000${m.runId}`;
  materializations.sort((a, b) => key(a).localeCompare(key(b)));
  partitions.sort((a, b) => key(a).localeCompare(key(b)));
  checks.sort((a, b) => `${key(a)}\u0000${a.checkName}`.localeCompare(`${key(b)}\u0000${b.checkName}`));
  observations.sort((a, b) => key(a).localeCompare(key(b)));
  return { runs, materializations, partitions, assets, checks, observations };
}

/** Human-readable differences between two snapshots (at most `limit`); empty when they are equal. */
export function diffSnapshots(expected: CatalogSnapshot, actual: CatalogSnapshot, limit = 20): string[] {
  const differences: string[] = [];
  const compare = <T>(what: string, a: T[], b: T[], id: (x: T) => string) => {
    const left = new Map(a.map((x) => [id(x), x]));
    const right = new Map(b.map((x) => [id(x), x]));
    for (const [k, x] of left) {
      const y = right.get(k);
      if (y === undefined) differences.push(`${what} ${k}: only in the current catalog`);
      else if (canonical(x) !== canonical(y)) differences.push(`${what} ${k}: differs\n    current: ${canonical(x)}\n    rebuilt: ${canonical(y)}`);
    }
    for (const k of right.keys()) if (!left.has(k)) differences.push(`${what} ${k}: only in the rebuilt catalog`);
  };
  compare('run', expected.runs, actual.runs, (r) => r.runId);
  compare('materialization', expected.materializations, actual.materializations, (m) => `${m.assetKey} [${m.partitionKey ?? '-'}] of run ${m.runId}`);
  compare('partition status', expected.partitions, actual.partitions, (p) => `${p.assetKey} [${p.partitionKey ?? '-'}]`);
  compare('asset', expected.assets, actual.assets, (a) => a.assetKey);
  compare('observation', expected.observations, actual.observations, (o) => `${o.assetKey} [${o.partitionKey ?? '-'}] of run ${o.runId}`);
  compare('check result', expected.checks, actual.checks, (c) => `${c.assetKey} [${c.partitionKey ?? '-'}] ${c.checkName} of run ${c.runId}`);
  return differences.slice(0, limit);
}

/** JSON with object keys sorted, so equal records print equally. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
