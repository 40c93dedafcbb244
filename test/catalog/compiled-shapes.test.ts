import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { runCompiled } from '../../sdk/catalog/sql/compiled-shapes';

/*
 * The catalog's hottest statements are compiled once per shape and sent again with new values.
 * A statement run from its remembered SQL must do exactly what the builder's statement does.
 */

interface Db {
  t: { k: string; v: number; note: string | null };
}

describe('runCompiled', () => {
  let database: Database.Database;
  let db: Kysely<Db>;
  let compiles: number;
  // Shapes are remembered for the whole process: each test names its own.
  let test = 0;
  beforeEach(() => {
    database = new Database(':memory:');
    database.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER, note TEXT)');
    db = new Kysely<Db>({ dialect: new SqliteDialect({ database }) });
    compiles = 0;
    test += 1;
  });
  afterEach(async () => {
    await db.destroy();
  });

  const upsert = (rows: Db['t'][]) =>
    runCompiled(db, `test${test}:upsert`, rows, (r) => {
      compiles += 1;
      return db
        .insertInto('t')
        .values(r)
        .onConflict((oc) => oc.column('k').doUpdateSet((eb) => ({ v: eb('t.v', '+', eb.ref('excluded.v')), note: eb.ref('excluded.note') })))
        .returning(['k', 'v']);
    });
  const read = (k: string, floor: number) =>
    runCompiled(db, `test${test}:read`, [{ k, floor }], ([p]) => {
      compiles += 1;
      // `null` is the builder's own value, not one of the rows': it stays in its place.
      return db.selectFrom('t').select(['k', 'v', 'note']).where('k', '=', p!.k).where('v', '>=', p!.floor).where('note', 'is not', null).orderBy('k');
    });

  it('binds each call\'s own values in a statement compiled once per shape', async () => {
    expect(await upsert([{ k: 'a', v: 1, note: 'x' }, { k: 'b', v: 2, note: null }])).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
    expect(await upsert([{ k: 'b', v: 10, note: 'y' }, { k: 'c', v: 3, note: 'z' }])).toEqual([{ k: 'b', v: 12 }, { k: 'c', v: 3 }]);
    expect(compiles).toBe(1);
    expect(await read('b', 5)).toEqual([{ k: 'b', v: 12, note: 'y' }]);
    expect(await read('a', 5)).toEqual([]);
    expect(await read('c', 0)).toEqual([{ k: 'c', v: 3, note: 'z' }]);
    expect(compiles).toBe(2);
  });

  it('compiles another row count or column set as a shape of its own', async () => {
    await upsert([{ k: 'a', v: 1, note: null }]);
    await upsert([{ k: 'a', v: 1, note: null }, { k: 'b', v: 1, note: null }]);
    await runCompiled(db, `test${test}:upsert`, [{ k: 'c', v: 1 }], (r) => db.insertInto('t').values(r));
    expect(compiles).toBe(2);
    expect(database.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([{ k: 'a', v: 2 }, { k: 'b', v: 1 }, { k: 'c', v: 1 }]);
  });

  it('runs rows of differing columns, or with an undefined value, as the builder would', async () => {
    const rows = [{ k: 'a', v: 1 }, { k: 'b', v: 2, note: 'n' }] as Db['t'][];
    await runCompiled(db, 'test:mixed', rows, (r) => db.insertInto('t').values(r));
    await runCompiled(db, 'test:undefined', [{ k: 'c', v: 3, note: undefined as unknown as null }], (r) => db.insertInto('t').values(r));
    expect(database.prepare('SELECT k, v, note FROM t ORDER BY k').all()).toEqual([{ k: 'a', v: 1, note: null }, { k: 'b', v: 2, note: 'n' }, { k: 'c', v: 3, note: null }]);
  });
});
