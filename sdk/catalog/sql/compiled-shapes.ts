import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { StratumInvariantError } from '../../errors';

/*
 * Statements compiled once per shape. Kysely builds and compiles every query from scratch: for a
 * multi-row insert that takes longer than SQLite takes to run it, and the catalog's hottest
 * statements (each step's version read, each batch of step rows) repeat with only their values
 * changing. `runCompiled` builds such a statement once per shape with marker values, remembers
 * its SQL and which value goes in each parameter, and afterwards sends the remembered SQL with the
 * new values. What the statement means is still written once, with Kysely's builder.
 */

/** Where each parameter of a compiled shape comes from: a row's column, or a value the builder put there itself. */
type Slot = { row: number; column: string } | { constant: unknown };

interface CompiledShape {
  sql: string;
  slots: Slot[];
}

/** Shapes kept (least recently used dropped first): each is a few hundred bytes of SQL. */
const MAX_SHAPES = 512;
const shapes = new Map<string, CompiledShape>();

const MARK = '\u0000stratum-value\u0000';

/**
 * Runs the statement `build(rows)` on `db` and returns its rows. `rows` are its values, by row and
 * column (an insert's rows, or a query's parameters as one row). `shape` names the statement and
 * everything its SQL depends on besides `rows` (the dialect, a variant); the row count and the
 * columns are added to it. `build` must put every value of `rows` in a parameter (as Kysely's
 * `values`, `where` and `in` do), never in the SQL text. Rows with differing columns, or an
 * undefined value, are run uncached.
 *
 * @example
 * await runCompiled(trx, `${dialect}:insert-assets`, rows, (r) => trx.insertInto('stratum_assets').values(r));
 */
export async function runCompiled<Row extends object, R>(db: Kysely<any>, shape: string, rows: readonly Row[], build: (rows: Row[]) => Compilable<R>): Promise<R[]> {
  const columns = sameColumns(rows);
  if (columns === null) return (await db.executeQuery(build([...rows]))).rows;
  const key = `${shape}|${rows.length}|${columns.join(',')}`;
  let compiled = shapes.get(key);
  if (compiled !== undefined) {
    shapes.delete(key); // most recently used last
  } else {
    compiled = compileShape(build as (rows: object[]) => Compilable<R>, rows.length, columns);
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
  }
  shapes.set(key, compiled);
  const values = rows as readonly Readonly<Record<string, unknown>>[];
  const parameters = compiled.slots.map((slot) => ('constant' in slot ? slot.constant : values[slot.row]![slot.column]));
  return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
}

/** Compiles `build` on rows of marker strings and reads back which row and column each parameter holds. */
function compileShape<R>(build: (rows: object[]) => Compilable<R>, count: number, columns: readonly string[]): CompiledShape {
  const markers = Array.from({ length: count }, (_, row) => Object.fromEntries(columns.map((column) => [column, `${MARK}${row}${MARK}${column}`])));
  const { sql, parameters } = build(markers).compile();
  if (sql.includes(MARK)) throw new StratumInvariantError(`runCompiled: a value was written into the SQL text instead of a parameter: ${sql.slice(0, 200)}`);
  const slots = parameters.map((parameter): Slot => {
    if (typeof parameter !== 'string' || !parameter.startsWith(MARK)) return { constant: parameter };
    const [row, column] = parameter.slice(MARK.length).split(MARK) as [string, string];
    return { row: Number(row), column };
  });
  return { sql, slots };
}

/** The columns every row has, in the same order and none undefined (Kysely leaves those out), or null. */
function sameColumns(rows: readonly object[]): string[] | null {
  const columns = Object.keys(rows[0] ?? {});
  for (const row of rows as readonly Readonly<Record<string, unknown>>[]) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || columns.some((c, i) => keys[i] !== c || row[c] === undefined)) return null;
  }
  return columns;
}
