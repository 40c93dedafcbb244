import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { catalogMigrations, openCatalog } from '../../sdk/catalog';
import { createDatabaseOn, startTestPostgres, type TestPostgres } from '../harness/postgres';

let pg: TestPostgres | undefined;
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-migrate-test-'));
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Opens (and so migrates) the catalog in a separate process, like a worker starting up. */
function openInProcess(url: string): Promise<{ code: number | null; stderr: string }> {
  const script = path.join(tmpRoot, 'open.ts');
  fs.writeFileSync(
    script,
    `const { openCatalog } = require(${JSON.stringify(path.resolve(__dirname, '../../sdk/catalog'))});
     openCatalog(process.argv[2]).then((c) => c.listAssets().then(() => c.close())).catch((e) => { console.error(e); process.exit(1); });`,
  );
  const child = spawn(path.resolve(__dirname, '../../node_modules/.bin/tsx'), [script, url], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

test('three workers starting at once on one new PostgreSQL catalog migrate it exactly once', async () => {
  const database = await createDatabaseOn(pg!.url);
  try {
    const results = await Promise.all([openInProcess(database.url), openInProcess(database.url), openInProcess(database.url)]);
    expect(results).toEqual([0, 1, 2].map(() => ({ code: 0, stderr: '' })));
    const catalog = await openCatalog(database.url);
    try {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const rows = (await client.query('select version from stratum_schema_migrations order by version')).rows.map((r: { version: number }) => Number(r.version));
      await client.end();
      expect(rows).toEqual(catalogMigrations.map((m) => m.version).sort((a, b) => a - b));
      expect(await catalog.listAssets()).toEqual([]);
    } finally {
      await catalog.close();
    }
  } finally {
    await database.stop();
  }
}, 120_000);
