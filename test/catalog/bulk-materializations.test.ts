import { CatalogInputError, type Catalog, type MaterializationInput } from '../../sdk/catalog';
import { diffSnapshots, snapshotCatalog } from '../../sdk/catalog/catalog-snapshot';
import { catalogBackends, type OpenedCatalog } from '../harness/catalog-backends';

/*
 * `recordMaterializations(batch)` must leave the catalog exactly as `recordMaterialization` called
 * for each input in order: compared on two fresh catalogs of the same backend.
 */

const backends = catalogBackends();

function mat(overrides: Partial<MaterializationInput> & Pick<MaterializationInput, 'runId' | 'assetKey' | 'partitionKey'>): MaterializationInput {
  return {
    stepKey: overrides.assetKey,
    dataVersion: `dv-${overrides.runId}`,
    codeVersion: 'cv-1',
    metadata: { rows: 10 },
    storageLocation: null,
    startedAt: 1_000,
    materializedAt: 2_000,
    attempt: 1,
    ...overrides,
  };
}

const P = 'parts/orders';
const Q = 'parts/customers';
const U = 'plain/report';

/** State both catalogs start from, recorded one by one. */
async function seed(catalog: Catalog): Promise<void> {
  await catalog.recordMaterialization(mat({ runId: 'old', assetKey: P, partitionKey: 'd1', materializedAt: 5_000 }));
  await catalog.recordMaterialization(mat({ runId: 'old', assetKey: P, partitionKey: 'd2', materializedAt: 1_500, attempt: 2 }));
  await catalog.recordMaterialization(mat({ runId: 'old', assetKey: U, partitionKey: null, materializedAt: 9_000 }));
  await catalog.recordMaterialization(mat({ runId: 'r1', assetKey: Q, partitionKey: 'd1', materializedAt: 2_000, attempt: 3 }));
  // d3 currently failed, newer than some batch rows and older than others.
  await catalog.recordMaterialization(mat({ runId: 'old', assetKey: P, partitionKey: 'd3', materializedAt: 1_000 }));
  await catalog.recordAssetPartitionFailed({ assetKey: P, partitionKey: 'd3', runId: 'failing', failedAt: 3_000, error: 'boom' });
  // d4 failed and never materialized.
  await catalog.recordAssetPartitionFailed({ assetKey: Q, partitionKey: 'd4', runId: 'failing', failedAt: 2_500, error: 'bang' });
}

/** A mixed batch: several assets, partitioned and not, repeated keys, old rows, ties, failed partitions. */
function mixedBatch(): MaterializationInput[] {
  return [
    // Older than the stored d1 of P: the row is added, status and latest version stay.
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd1', materializedAt: 4_000 }),
    // Same key three times: attempt 2, then a late attempt 1 (ignored), then attempt 3 (wins).
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd2', materializedAt: 2_100, attempt: 2, dataVersion: 'a2' }),
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd2', materializedAt: 2_050, attempt: 1, dataVersion: 'a1' }),
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd2', materializedAt: 2_200, attempt: 3, dataVersion: 'a3', inputDataVersions: [] }),
    // Existing key of the seed with an earlier attempt: ignored (but still counts as a call).
    mat({ runId: 'old', assetKey: P, partitionKey: 'd2', materializedAt: 8_000, attempt: 1, dataVersion: 'stale' }),
    // Failed d3: an older materialization keeps it failed, a newer one makes it materialized.
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd3', materializedAt: 2_900 }),
    mat({ runId: 'r2', assetKey: P, partitionKey: 'd3', materializedAt: 3_000 }),
    // Failed and never materialized, older than the failure.
    mat({ runId: 'r1', assetKey: Q, partitionKey: 'd4', materializedAt: 2_000 }),
    // Existing key, same attempt: replaced, with an earlier time than stored (the latest version keeps the stored time).
    mat({ runId: 'r1', assetKey: Q, partitionKey: 'd1', materializedAt: 1_900, attempt: 3, dataVersion: 'q-redo' }),
    // Ties on materializedAt between runs of one partition: the later id wins.
    mat({ runId: 'r1', assetKey: Q, partitionKey: 'd2', materializedAt: 7_000 }),
    mat({ runId: 'r2', assetKey: Q, partitionKey: 'd2', materializedAt: 7_000 }),
    mat({ runId: 'r1', assetKey: Q, partitionKey: 'd2', materializedAt: 7_000, attempt: 2, dataVersion: 'q-tie' }),
    // Unpartitioned: older than stored, then a new asset, repeated.
    mat({ runId: 'r1', assetKey: U, partitionKey: null, materializedAt: 8_000 }),
    mat({ runId: 'r1', assetKey: 'plain/new', partitionKey: null, materializedAt: 100, codeVersion: null, storageLocation: '/x' }),
    mat({ runId: 'r1', assetKey: 'plain/new', partitionKey: null, materializedAt: 200, attempt: 2, metadata: { rows: 1, nested: { a: [1, 2] } } }),
    // A brand new partition, materialized by two runs out of order.
    mat({ runId: 'r2', assetKey: P, partitionKey: 'd9', materializedAt: 6_000 }),
    mat({ runId: 'r1', assetKey: P, partitionKey: 'd9', materializedAt: 5_000, inputDataVersions: [{ assetKey: Q, partitionKey: 'd1', partitionCount: 1, dataVersion: 'dv' }] }),
    // The latest one again, same time, later attempt: its new data version becomes the latest.
    mat({ runId: 'r2', assetKey: P, partitionKey: 'd9', materializedAt: 6_000, attempt: 2, dataVersion: 'd9-redo' }),
  ];
}

/** Everything comparable: the snapshot plus latest versions, with ids replaced by the materialization they name. */
async function state(catalog: Catalog): Promise<{ snapshot: Awaited<ReturnType<typeof snapshotCatalog>>; versions: Record<string, unknown> }> {
  const snapshot = await snapshotCatalog(catalog);
  const versions: Record<string, unknown> = {};
  for (const { assetKey } of snapshot.assets) {
    const names = new Map<number, string>();
    for (const m of await catalog.materializationHistory(assetKey, { limit: 100_000 })) names.set(m.id, `${m.runId}/${m.partitionKey ?? '-'}`);
    for (const keys of ['all', null] as const) {
      const map = await catalog.latestVersions(assetKey, keys, { withInputs: true });
      for (const [key, v] of map) versions[`${assetKey} [${key ?? '-'}]`] = { ...v, id: names.get(v.id) ?? `unknown id ${v.id}` };
    }
  }
  return { snapshot, versions };
}

async function expectSameCatalogs(oneByOne: Catalog, batched: Catalog): Promise<void> {
  const expected = await state(oneByOne);
  const actual = await state(batched);
  expect(diffSnapshots(expected.snapshot, actual.snapshot)).toEqual([]);
  expect(actual.snapshot).toEqual(expected.snapshot);
  expect(actual.versions).toEqual(expected.versions);
}

describe.each(backends)('recordMaterializations on $name', (backend) => {
  let opened: OpenedCatalog[] = [];
  const open = async () => {
    const o = await backend.open();
    opened.push(o);
    return o.catalog;
  };
  afterEach(async () => {
    for (const o of opened) {
      await o.catalog.close();
      await o.cleanup();
    }
    opened = [];
  });

  test('a mixed batch, then the same batch again, equals recordMaterialization one by one', async () => {
    const [oneByOne, batched] = [await open(), await open()];
    await seed(oneByOne);
    await seed(batched);
    const batch = mixedBatch();
    for (let round = 0; round < 2; round++) {
      for (const m of batch) await oneByOne.recordMaterialization(m);
      await batched.recordMaterializations(batch);
      await expectSameCatalogs(oneByOne, batched);
    }
    // Sanity: the comparison sees what the batch did.
    expect((await batched.partitionStatus(P, 'd3'))?.runId).toBe('r2');
    expect((await batched.partitionStatus(Q, 'd4'))?.status).toBe('failed');
    expect((await batched.latestVersions(P, ['d2'])).get('d2')?.dataVersion).toBe('a3');
    expect((await batched.latestVersions(P, ['d9'])).get('d9')?.dataVersion).toBe('d9-redo');
    expect((await batched.listAssets()).find((a) => a.assetKey === P)).toMatchObject({ partitionsFailed: 0, partitionsMaterialized: 4 });
  });

  test('a batch larger than one statement, half of it already stored, with a failure in between', async () => {
    const [oneByOne, batched] = [await open(), await open()];
    const rows = (run: string, attempt: number, at: number) =>
      Array.from({ length: 2 * 1_300 }, (_, i) =>
        mat({ runId: run, assetKey: `big/${i % 2}`, partitionKey: `p${String(Math.floor(i / 2)).padStart(4, '0')}`, materializedAt: at + i, attempt, dataVersion: `${run}-${attempt}-${i}` }),
      );
    const first = rows('r1', 1, 10_000);
    for (const m of first) await oneByOne.recordMaterialization(m);
    await batched.recordMaterializations(first);
    for (const c of [oneByOne, batched]) {
      await c.recordAssetPartitionFailed({ assetKey: 'big/0', partitionKey: 'p0005', runId: 'f', failedAt: 50_000, error: 'x' });
      await c.recordAssetPartitionFailed({ assetKey: 'big/1', partitionKey: 'p0005', runId: 'f', failedAt: 1, error: 'y' });
    }
    const second = [...rows('r1', 2, 20_000).slice(0, 1_300), ...rows('r2', 1, 30_000)];
    for (const m of second) await oneByOne.recordMaterialization(m);
    await batched.recordMaterializations(second);
    await expectSameCatalogs(oneByOne, batched);
    expect(await batched.partitionSummary('big/0')).toEqual({ materialized: 1_299, failed: 1 });
  });

  test('an empty batch writes nothing; an invalid input rejects the whole batch', async () => {
    const catalog = await open();
    await catalog.recordMaterializations([]);
    expect(await catalog.listAssets()).toEqual([]);
    const good = mat({ runId: 'r1', assetKey: P, partitionKey: 'd1' });
    await expect(catalog.recordMaterializations([good, { ...good, partitionKey: '' }])).rejects.toThrow(CatalogInputError);
    await expect(catalog.recordMaterializations([good, { ...good, assetKey: '' }])).rejects.toThrow(/input 1 of 2/);
    await expect(catalog.recordMaterializations([{ ...good, metadata: { n: 1n } }])).rejects.toThrow(CatalogInputError);
    expect(await catalog.listAssets()).toEqual([]);
  });
});
