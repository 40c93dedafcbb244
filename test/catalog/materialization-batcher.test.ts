import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MaterializationBatcher } from '../../activities/materialization-batcher';
import { CatalogInputError, openCatalog, type Catalog, type MaterializationInput } from '../../sdk/catalog';

/*
 * The group commit of step rows (activities/materialization-batcher.ts): rows written at the same
 * time go in one transaction, each caller resolves once its row is committed, and a row the
 * catalog refuses fails only its own step.
 */

function mat(assetKey: string, overrides: Partial<MaterializationInput> = {}): MaterializationInput {
  return { runId: 'r1', stepKey: assetKey, assetKey, partitionKey: null, dataVersion: `dv-${assetKey}`, codeVersion: null, metadata: {}, storageLocation: null, startedAt: 1_000, materializedAt: 2_000, attempt: 1, ...overrides };
}

describe('MaterializationBatcher', () => {
  let dir: string;
  let catalog: Catalog;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stratum-batcher-'));
    catalog = await openCatalog(path.join(dir, 'catalog.db'));
  });
  afterEach(async () => {
    await catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('rows recorded at the same time are committed together, each before its caller resolves', async () => {
    const batches: number[] = [];
    const recordMaterializations = catalog.recordMaterializations.bind(catalog);
    const counting = Object.assign(Object.create(catalog) as Catalog, {
      recordMaterializations: (batch: readonly MaterializationInput[]) => {
        batches.push(batch.length);
        return recordMaterializations(batch);
      },
    });
    const batcher = new MaterializationBatcher(counting);
    const keys = Array.from({ length: 32 }, (_, i) => `fan/leaf_${i}`);
    await Promise.all(keys.map(async (key) => {
      await batcher.record(mat(key));
      expect((await catalog.latestMaterialization(key))?.dataVersion).toBe(`dv-${key}`);
    }));
    expect(batches).toEqual([32]);
    expect((await catalog.runMaterializations('r1')).length).toBe(32);
  });

  test('a row the catalog refuses fails its own caller; the others of its batch are committed', async () => {
    const batcher = new MaterializationBatcher(catalog);
    const outcomes = await Promise.allSettled([
      batcher.record(mat('fan/a')),
      batcher.record(mat('fan/bad', { partitionKey: '' })),
      batcher.record(mat('fan/c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(CatalogInputError);
    expect((await catalog.runMaterializations('r1')).map((m) => m.assetKey)).toEqual(['fan/a', 'fan/c']);
  });
});
