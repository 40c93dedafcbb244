import { CatalogInputError, type Catalog, type CheckResultInput } from '../../sdk/catalog';
import { catalogBackends } from '../harness/catalog-backends';

/* Asset check results in the catalog (migration 4), on a SQLite file and on a real PostgreSQL. */

const backends = catalogBackends();

function result(overrides: Partial<CheckResultInput> = {}): CheckResultInput {
  return {
    runId: 'run-1',
    stepKey: 'sales/orders:check:row_count',
    assetKey: 'sales/orders',
    partitionKey: '2024-03-01',
    checkName: 'row_count',
    outcome: 'passed',
    severity: 'error',
    blocking: true,
    description: '10 rows',
    metadata: { rows: 10 },
    evaluatedAt: 1_000,
    attempt: 1,
    ...overrides,
  };
}

describe.each(backends)('asset check results on $name', (backend) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ catalog, cleanup } = await backend.open());
  });

  afterEach(async () => {
    await catalog.close();
    await cleanup();
  });

  test('a result is stored with every field and read back', async () => {
    const stored = await catalog.recordCheckResult(result());
    expect(stored).toMatchObject({ ...result(), id: expect.any(Number) });
    expect(await catalog.runCheckResults('run-1')).toEqual([stored]);
  });

  test('recording the same run, asset, partition and check twice keeps one row; a later attempt wins, an earlier one is ignored', async () => {
    const errored = await catalog.recordCheckResult(result({ outcome: 'errored', description: 'boom', metadata: {}, attempt: 1 }));
    const passed = await catalog.recordCheckResult(result({ outcome: 'passed', attempt: 2, evaluatedAt: 2_000 }));
    expect(passed.id).toBe(errored.id);
    expect(passed).toMatchObject({ outcome: 'passed', attempt: 2, evaluatedAt: 2_000 });
    const replay = await catalog.recordCheckResult(result({ outcome: 'errored', attempt: 1 }));
    expect(replay).toMatchObject({ outcome: 'passed', attempt: 2 });
    expect(await catalog.checkHistory('sales/orders')).toHaveLength(1);
  });

  test('an unpartitioned result has a null partition and is unique too', async () => {
    await catalog.recordCheckResult(result({ partitionKey: null }));
    await catalog.recordCheckResult(result({ partitionKey: null, outcome: 'failed', attempt: 2 }));
    const history = await catalog.checkHistory('sales/orders', { partitionKey: null });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ partitionKey: null, outcome: 'failed', blocking: true });
  });

  test('latestCheckResults gives the newest result of each check, per partition or over all', async () => {
    await catalog.recordCheckResult(result({ runId: 'r1', partitionKey: '2024-03-01', evaluatedAt: 1_000 }));
    await catalog.recordCheckResult(result({ runId: 'r2', partitionKey: '2024-03-02', evaluatedAt: 3_000, outcome: 'failed' }));
    await catalog.recordCheckResult(result({ runId: 'r3', partitionKey: '2024-03-01', evaluatedAt: 2_000, outcome: 'failed', description: 'too few' }));
    await catalog.recordCheckResult(result({ runId: 'r1', checkName: 'freshness', stepKey: 'sales/orders:check:freshness', severity: 'warn', blocking: false, evaluatedAt: 1_500 }));
    await catalog.recordCheckResult(result({ runId: 'r1', assetKey: 'other', stepKey: 'other:check:row_count', evaluatedAt: 9_000 }));

    const any = await catalog.latestCheckResults('sales/orders');
    expect(any.map((r) => [r.checkName, r.runId, r.partitionKey])).toEqual([
      ['freshness', 'r1', '2024-03-01'],
      ['row_count', 'r2', '2024-03-02'],
    ]);
    const march1 = await catalog.latestCheckResults('sales/orders', '2024-03-01');
    expect(march1.find((r) => r.checkName === 'row_count')).toMatchObject({ runId: 'r3', outcome: 'failed', description: 'too few' });
    expect(await catalog.latestCheckResults('sales/orders', '2024-04-01')).toEqual([]);
    expect(await catalog.latestCheckResults('never/checked')).toEqual([]);
  });

  test('checkHistory pages newest first and filters by check', async () => {
    for (let i = 1; i <= 5; i++) await catalog.recordCheckResult(result({ runId: `r${i}`, evaluatedAt: i * 1_000 }));
    await catalog.recordCheckResult(result({ runId: 'r9', checkName: 'freshness', evaluatedAt: 10_000 }));
    const first = await catalog.checkHistory('sales/orders', { checkName: 'row_count', limit: 2 });
    expect(first.map((r) => r.runId)).toEqual(['r5', 'r4']);
    const second = await catalog.checkHistory('sales/orders', { checkName: 'row_count', limit: 2, beforeId: first[1]!.id });
    expect(second.map((r) => r.runId)).toEqual(['r3', 'r2']);
    expect((await catalog.checkHistory('sales/orders')).map((r) => r.runId)[0]).toBe('r9');
  });

  test('bad input is refused with a clear error and stores nothing', async () => {
    await expect(catalog.recordCheckResult(result({ partitionKey: '' }))).rejects.toThrow(CatalogInputError);
    await expect(catalog.recordCheckResult(result({ outcome: 'maybe' as never }))).rejects.toThrow(/passed', 'failed' or 'errored'/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(catalog.recordCheckResult(result({ metadata: circular }))).rejects.toThrow(/not JSON-serializable/);
    expect(await catalog.checkHistory('sales/orders')).toEqual([]);
  });
});
