import {
  allPartitionsMapping,
  asset,
  assetStaleness,
  dailyPartitions,
  Definitions,
  inMemoryIOManager,
  observableSourceAsset,
  staleSelection,
  upstream,
  type SourceObservation,
} from '../sdk';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';

// What the user code below reads, changed by the tests.
let sourceVersion = 'etag-1';
const dayValues: Record<string, number> = { '2024-01-01': 1, '2024-01-02': 2, '2024-01-03': 3 };
const observedByReader: (SourceObservation | null)[] = [];

const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-04' });
const feed = observableSourceAsset({ key: 'ext/feed', group: 'versions' }, () => ({ dataVersion: sourceVersion, metadata: { url: 'https://example.com/feed' } }));
const reader = asset({ key: 'versions/reader', group: 'versions', ins: { feed } }, ({ feed }, ctx) => {
  observedByReader.push(feed);
  ctx.setDataVersion(`reader-of-${feed?.dataVersion ?? 'nothing'}`);
  return { etag: feed?.dataVersion ?? null };
});
const daily = asset({ key: 'versions/daily', group: 'versions', partitions: days }, (_, ctx) => ({ day: ctx.partitionKey, value: dayValues[ctx.partitionKey!] }));
const total = asset({ key: 'versions/total', group: 'versions', ins: { daily: upstream(daily, allPartitionsMapping()) } }, ({ daily }) =>
  Object.values(daily).reduce((sum, d) => sum + (d.value ?? 0), 0),
);

const copy = asset({ key: 'versions/copy', group: 'versions', partitions: days, ins: { daily } }, ({ daily }) => ({ read: daily }));

const defs = new Definitions({ assets: [feed, reader, daily, total, copy], ioManagers: { default: inMemoryIOManager() } });

describe('data versions and staleness with real runs', () => {
  let t: TestStratum;
  beforeAll(async () => {
    t = await startTestStratum(defs, { prefix: 'staleness' });
  }, 60_000);
  afterAll(() => t?.stop());

  test('a run records input versions in its result (history) and the catalog; the op can set its data version; a source input is its latest observation', async () => {
    const result = await t.stratum.materialize({ selection: 'ext/feed+' });
    expect(result.status).toBe('succeeded');
    const [materialization] = result.steps.find((s) => s.key === 'versions/reader')!.materializations;
    expect(materialization).toMatchObject({
      dataVersion: 'reader-of-etag-1',
      inputDataVersions: [{ assetKey: 'ext/feed', partitionKey: null, partitionCount: 1, dataVersion: 'etag-1' }],
    });
    expect(observedByReader.at(-1)).toEqual({ dataVersion: 'etag-1', metadata: { url: 'https://example.com/feed' }, observedAt: expect.any(Number) });
    const stored = await t.catalog.latestMaterialization('versions/reader', null);
    expect(stored).toMatchObject({ dataVersion: 'reader-of-etag-1', inputDataVersions: materialization!.inputDataVersions });
    expect((await t.catalog.observedVersions('ext/feed', null)).get(null)!.dataVersion).toBe('etag-1');
    expect((await assetStaleness(defs, t.catalog, 'versions/reader'))[0]!.status).toBe('fresh');

    // The source changes: observing it (alone) makes the reader stale.
    sourceVersion = 'etag-2';
    expect((await t.stratum.materialize({ selection: 'ext/feed' })).status).toBe('succeeded');
    const [stale] = await assetStaleness(defs, t.catalog, 'versions/reader');
    expect(stale).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-data-version', assetKey: 'ext/feed', recorded: 'etag-1', current: 'etag-2' }] });
  });

  test('a partition fan-in: one re-run partition with new data makes only the downstream stale, and onlyAssets runs just that', async () => {
    for (const day of days.keys({ now: new Date() })) {
      expect((await t.stratum.materialize({ selection: 'versions/daily', partitionKey: day })).status).toBe('succeeded');
    }
    expect((await t.stratum.materialize({ selection: 'versions/total' })).status).toBe('succeeded');
    expect((await assetStaleness(defs, t.catalog, 'versions/total'))[0]!.status).toBe('fresh');

    // Same value again: the data version does not change, nothing is stale.
    await t.stratum.materialize({ selection: 'versions/daily', partitionKey: '2024-01-02' });
    expect((await assetStaleness(defs, t.catalog, 'versions/total'))[0]!.status).toBe('fresh');

    dayValues['2024-01-02'] = 20;
    await t.stratum.materialize({ selection: 'versions/daily', partitionKey: '2024-01-02' });
    const [stale] = await assetStaleness(defs, t.catalog, 'versions/total');
    expect(stale).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-data-version', assetKey: 'versions/daily', partitionCount: 3, changedPartitions: ['2024-01-02'] }] });

    const split = await staleSelection(defs, t.catalog, 'versions/daily,versions/total', '2024-01-02');
    expect(split.run.map((s) => s.assetKey)).toEqual(['versions/total']);
    expect(split.skip.map((s) => s.assetKey)).toEqual(['versions/daily']);
    const rerun = await t.stratum.materialize({ selection: 'versions/daily,versions/total', partitionKey: null, onlyAssets: split.run.map((s) => s.assetKey) });
    expect(rerun.steps.map((s) => s.key)).toEqual(['versions/total']);
    expect((await assetStaleness(defs, t.catalog, 'versions/total'))[0]!.status).toBe('fresh');
  });

  test('in a range run each partition records the upstream partition it read itself', async () => {
    const result = await t.stratum.materialize({ selection: 'versions/copy', partitionRange: { from: '2024-01-01', to: '2024-01-03' } });
    expect(result.status).toBe('succeeded');
    const recorded = result.steps[0]!.materializations.map((m) => [m.partitionKey, m.inputDataVersions!.map((v) => v.partitionKey)]);
    expect(recorded).toEqual([
      ['2024-01-01', ['2024-01-01']],
      ['2024-01-02', ['2024-01-02']],
      ['2024-01-03', ['2024-01-03']],
    ]);
    expect((await assetStaleness(defs, t.catalog, 'versions/copy')).map((s) => s.status)).toEqual(['fresh', 'fresh', 'fresh']);
  });
});
