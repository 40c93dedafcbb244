import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCatalog, type Catalog } from '../../sdk/catalog';
import { createDatabaseOn, startTestPostgres, type TestPostgres } from './postgres';

/** A fresh catalog on one backend, and how to throw it away. */
export interface OpenedCatalog {
  catalog: Catalog;
  location: string;
  cleanup(): Promise<void>;
}

/** A catalog backend a suite runs against: a SQLite file, or a database on the harness's real PostgreSQL server. */
export interface CatalogBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedCatalog>;
}

/**
 * The two catalog backends for `describe.each(backends)`: registers `beforeAll`/`afterAll` hooks
 * that start a real PostgreSQL server (`apt-get install postgresql` if the binaries are missing)
 * and a temporary directory for SQLite files. Call it at the top level of a test file.
 */
export function catalogBackends(): CatalogBackend[] {
  let pg: TestPostgres | undefined;
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-catalog-test-'));
  let fileCounter = 0;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  });
  return [
    {
      name: 'sqlite',
      async open() {
        const location = path.join(tmpRoot, `t${++fileCounter}`, 'catalog.db');
        return { catalog: await openCatalog(location), location, cleanup: async () => undefined };
      },
    },
    {
      name: 'postgres',
      async open() {
        if (!pg) throw new Error('test PostgreSQL did not start');
        const database = await createDatabaseOn(pg.url);
        return { catalog: await openCatalog(database.url), location: database.url, cleanup: () => database.stop() };
      },
    },
  ];
}
