/**
 * The layers of sdk/, read from the source: which folder may import which at run time (type-only
 * imports vanish when compiled, so they are left out). Definitions sit below planning and
 * automation; the protocol workflows share is pure; no two folders import each other, even
 * through a third.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SDK = path.resolve(__dirname, '../../sdk');

/** Every .ts file under sdk/, relative to it. */
function sdkFiles(dir = SDK): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sdkFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path.relative(SDK, full)] : [];
  });
}

/** The modules a file imports or re-exports at run time (`import type`, `export type` and all-type named imports left out). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(SDK, file), 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const allTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (allTypes) continue;
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly) continue;
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) continue;
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isImportEqualsDeclaration(statement) && !statement.isTypeOnly && ts.isExternalModuleReference(statement.moduleReference)) {
      specifiers.push((statement.moduleReference.expression as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** The sdk folder a file is in (`index.ts` at the top is `.`). */
function folderOf(file: string): string {
  const parts = file.split(path.sep);
  return parts.length > 1 ? parts[0]! : '.';
}

interface Edge {
  file: string;
  specifier: string;
  /** The sdk folder imported, or null for a package (or a file outside sdk/). */
  folder: string | null;
}

const edges: Edge[] = sdkFiles().flatMap((file) =>
  runtimeImports(file).map((specifier) => {
    if (!specifier.startsWith('.')) return { file, specifier, folder: null };
    const target = path.relative(SDK, path.resolve(SDK, path.dirname(file), specifier));
    return { file, specifier, folder: target.startsWith('..') ? null : folderOf(target) };
  }),
);

const describeEdges = (found: Edge[]) => found.map((e) => `${e.file} -> ${e.specifier}`);

describe('sdk import layers', () => {
  test('the parser sees the imports (sanity: definitions import errors, planning imports definitions)', () => {
    expect(edges.some((e) => folderOf(e.file) === 'definitions' && e.folder === 'errors')).toBe(true);
    expect(edges.some((e) => folderOf(e.file) === 'planning' && e.folder === 'definitions')).toBe(true);
  });

  test('definitions/ imports nothing from planning/, automation/, catalog/ or versions/ at run time', () => {
    const forbidden = ['planning', 'automation', 'catalog', 'versions'];
    expect(describeEdges(edges.filter((e) => folderOf(e.file) === 'definitions' && e.folder !== null && forbidden.includes(e.folder)))).toEqual([]);
  });

  test('protocol/ imports only protocol/ and @temporalio/common at run time', () => {
    const allowed = (e: Edge) => (e.specifier.startsWith('.') ? e.folder === 'protocol' : e.specifier === '@temporalio/common' || e.specifier.startsWith('@temporalio/common/'));
    expect(describeEdges(edges.filter((e) => folderOf(e.file) === 'protocol' && !allowed(e)))).toEqual([]);
  });

  test('no cycle among the folders of sdk/', () => {
    const graph = new Map<string, Map<string, Edge>>();
    for (const e of edges) {
      const from = folderOf(e.file);
      if (e.folder === null || e.folder === from || from === '.') continue;
      const out = graph.get(from) ?? new Map<string, Edge>();
      if (!out.has(e.folder)) out.set(e.folder, e);
      graph.set(from, out);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (folder: string, trail: string[]): void => {
      state.set(folder, 'open');
      for (const [next, edge] of graph.get(folder) ?? []) {
        if (state.get(next) === 'open') {
          const loop = [...trail.slice(trail.indexOf(next)), folder, next];
          cycles.push(`${loop.join(' -> ')} (e.g. ${edge.file} -> ${edge.specifier})`);
        } else if (!state.has(next)) visit(next, [...trail, folder]);
      }
      state.set(folder, 'done');
    };
    for (const folder of graph.keys()) if (!state.has(folder)) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
