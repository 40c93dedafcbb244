/**
 * The sensor watch registry's run-status watches (catalog version 7), on a SQLite file and a real
 * PostgreSQL server: a location's worker replaces its watches in one call, and a finished run of
 * another location finds the run-status sensors monitoring every location, its location or its job.
 */
import { CatalogInputError, type Catalog } from '../../sdk/catalog';
import { catalogBackends } from '../harness/catalog-backends';

describe.each(catalogBackends())('run-status watches on $name', (backend) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ catalog, cleanup } = await backend.open());
  });
  afterAll(async () => {
    await catalog.close();
    await cleanup();
  });

  test('a run finds the sensors of other locations monitoring all locations, its location or its job', async () => {
    await catalog.registerSensorWatches(
      'finance',
      [{ sensor: 'on_revenue', assetKey: 'sales/revenue' }],
      [
        { sensor: 'etl_failed', watchedLocation: 'etl', job: null, statuses: ['failed'] },
        { sensor: 'daily_done', watchedLocation: 'etl', job: 'daily', statuses: ['succeeded', 'failed'] },
        { sensor: 'daily_done', watchedLocation: 'web', job: 'daily', statuses: ['canceled'] },
      ],
    );
    await catalog.registerSensorWatches('ops', [], [{ sensor: 'anything', watchedLocation: null, job: null, statuses: ['failed', 'canceled'] }]);

    expect(await catalog.runStatusWatchers('etl', 'daily')).toEqual([
      { location: 'finance', sensor: 'daily_done', statuses: ['failed', 'succeeded'] },
      { location: 'finance', sensor: 'etl_failed', statuses: ['failed'] },
      { location: 'ops', sensor: 'anything', statuses: ['canceled', 'failed'] },
    ]);
    expect((await catalog.runStatusWatchers('etl', null)).map((w) => w.sensor)).toEqual(['etl_failed', 'anything']);
    expect(await catalog.runStatusWatchers('web', 'daily')).toEqual([
      { location: 'finance', sensor: 'daily_done', statuses: ['canceled'] },
      { location: 'ops', sensor: 'anything', statuses: ['canceled', 'failed'] },
    ]);
    // A location's own sensors are left out: its plans name them.
    expect((await catalog.runStatusWatchers('ops', 'daily')).map((w) => w.sensor)).toEqual([]);
    expect(await catalog.sensorWatchers(['sales/revenue'])).toEqual([{ location: 'finance', sensor: 'on_revenue', assetKey: 'sales/revenue' }]);

    // Replaced on every registration; asset watches and run-status watches alike.
    await catalog.registerSensorWatches('finance', []);
    expect((await catalog.runStatusWatchers('etl', 'daily')).map((w) => w.sensor)).toEqual(['anything']);
    expect(await catalog.sensorWatchers(['sales/revenue'])).toEqual([]);
  });

  test('malformed run-status watches are refused', async () => {
    await expect(catalog.registerSensorWatches('x', [], [{ sensor: 's', watchedLocation: '*', job: null, statuses: ['failed'] }])).rejects.toBeInstanceOf(CatalogInputError);
    await expect(catalog.registerSensorWatches('x', [], [{ sensor: 's', watchedLocation: 'etl', job: null, statuses: [] }])).rejects.toBeInstanceOf(CatalogInputError);
  });
});
