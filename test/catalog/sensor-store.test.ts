/**
 * Sensor state in the catalog (run keys and cursors), on a SQLite file and a real PostgreSQL
 * server: a run key is used once per sensor, a retried evaluation gets its own reservation back,
 * keys are bounded per sensor, cursors are kept.
 */
import { CatalogInputError, type Catalog } from '../../sdk/catalog';
import { catalogBackends } from '../harness/catalog-backends';

const backends = catalogBackends();

describe.each(backends)('sensor state on $name', (backend) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ catalog, cleanup } = await backend.open());
  });
  afterAll(async () => {
    await catalog.close();
    await cleanup();
  });

  test('a reservation whose run never started is given back by its own evaluation only', async () => {
    await catalog.reserveSensorRunKeys({ sensor: 'release', evaluationId: 'e1', keys: [{ runKey: 'k', runId: 'r1' }] });
    expect(await catalog.releaseSensorRunKey({ sensor: 'release', runKey: 'k', evaluationId: 'e2' })).toBe(false);
    expect((await catalog.sensorRunKey('release', 'k'))?.runId).toBe('r1');
    expect(await catalog.releaseSensorRunKey({ sensor: 'release', runKey: 'k', evaluationId: 'e1' })).toBe(true);
    expect(await catalog.sensorRunKey('release', 'k')).toBeNull();
    const again = await catalog.reserveSensorRunKeys({ sensor: 'release', evaluationId: 'e3', keys: [{ runKey: 'k', runId: 'r3' }] });
    expect(again).toEqual([{ runKey: 'k', runId: 'r3', reserved: true }]);
  });

  test('a run key starts one run: another evaluation is refused with the run that used it', async () => {
    const first = await catalog.reserveSensorRunKeys({ sensor: 'files', evaluationId: 'e1', keys: [{ runKey: 'a.csv', runId: 'r1' }, { runKey: 'b.csv', runId: 'r2' }] });
    expect(first).toEqual([
      { runKey: 'a.csv', runId: 'r1', reserved: true },
      { runKey: 'b.csv', runId: 'r2', reserved: true },
    ]);
    const second = await catalog.reserveSensorRunKeys({ sensor: 'files', evaluationId: 'e2', keys: [{ runKey: 'a.csv', runId: 'r3' }, { runKey: 'c.csv', runId: 'r4' }] });
    expect(second[0]).toMatchObject({ runKey: 'a.csv', runId: 'r1', reserved: false });
    expect(second[1]).toEqual({ runKey: 'c.csv', runId: 'r4', reserved: true });
    expect(await catalog.sensorRunKey('files', 'a.csv')).toMatchObject({ runId: 'r1' });
    expect(await catalog.sensorRunKey('files', 'zzz')).toBeNull();
  });

  test('a retry of the same evaluation gets its reservation back, with the run id stored first', async () => {
    await catalog.reserveSensorRunKeys({ sensor: 'retry', evaluationId: 'e1', keys: [{ runKey: 'k', runId: 'first' }] });
    const again = await catalog.reserveSensorRunKeys({ sensor: 'retry', evaluationId: 'e1', keys: [{ runKey: 'k', runId: 'second' }] });
    expect(again).toEqual([{ runKey: 'k', runId: 'first', reserved: true }]);
  });

  test('run keys are per sensor', async () => {
    await catalog.reserveSensorRunKeys({ sensor: 's1', evaluationId: 'e1', keys: [{ runKey: 'same', runId: 'r1' }] });
    const other = await catalog.reserveSensorRunKeys({ sensor: 's2', evaluationId: 'e9', keys: [{ runKey: 'same', runId: 'r2' }] });
    expect(other).toEqual([{ runKey: 'same', runId: 'r2', reserved: true }]);
  });

  test('the oldest keys beyond `keep` are pruned', async () => {
    for (let i = 0; i < 8; i++) await catalog.reserveSensorRunKeys({ sensor: 'bounded', evaluationId: `e${i}`, keys: [{ runKey: `k${i}`, runId: `r${i}` }], keep: 5 });
    expect(await catalog.sensorRunKey('bounded', 'k0')).toBeNull();
    expect(await catalog.sensorRunKey('bounded', 'k2')).toBeNull();
    expect(await catalog.sensorRunKey('bounded', 'k3')).toMatchObject({ runId: 'r3' });
    expect(await catalog.sensorRunKey('bounded', 'k7')).toMatchObject({ runId: 'r7' });
  });

  test('one evaluation naming a run key twice is refused, and nothing is stored', async () => {
    await expect(
      catalog.reserveSensorRunKeys({ sensor: 'dup', evaluationId: 'e1', keys: [{ runKey: 'x', runId: 'r1' }, { runKey: 'x', runId: 'r2' }] }),
    ).rejects.toThrow(CatalogInputError);
    expect(await catalog.sensorRunKey('dup', 'x')).toBeNull();
  });

  test('cursors are stored, replaced, cleared and forgotten', async () => {
    expect(await catalog.sensorCursor('cur')).toBeNull();
    await catalog.setSensorCursor('cur', 'offset=10');
    expect(await catalog.sensorCursor('cur')).toMatchObject({ cursor: 'offset=10' });
    await catalog.setSensorCursor('cur', 'offset=20');
    expect((await catalog.sensorCursor('cur'))!.cursor).toBe('offset=20');
    await catalog.setSensorCursor('cur', null);
    expect((await catalog.sensorCursor('cur'))!.cursor).toBeNull();
    await catalog.reserveSensorRunKeys({ sensor: 'cur', evaluationId: 'e1', keys: [{ runKey: 'k', runId: 'r' }] });
    await catalog.deleteSensorState('cur');
    expect(await catalog.sensorCursor('cur')).toBeNull();
    expect(await catalog.sensorRunKey('cur', 'k')).toBeNull();
  });
});
