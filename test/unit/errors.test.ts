/**
 * Every error a user can catch from an entry point is a StratumError with a stable code, so
 * `error instanceof StratumError` and `error.code` work whatever part of Stratum threw it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as sdk from '../../sdk';
import * as client from '../../client';
import { StratumError } from '../../sdk/errors';

const ROOT = path.resolve(__dirname, '../..');
const CODE_FOLDERS = ['sdk', 'client', 'cli', 'worker', 'activities', 'workflows'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const sources = CODE_FOLDERS.flatMap((folder) => tsFiles(path.join(ROOT, folder))).map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, 'utf8') }));

/** Classes declared `abstract`: family bases, which carry no code of their own. */
const abstractClasses = new Set(sources.flatMap(({ text }) => [...text.matchAll(/export abstract class (\w+)/g)].map((m) => m[1]!)));

/**
 * A stand-in for any constructor argument: a string in messages, an empty list when iterated,
 * itself for any property or call. Enough to build an error and read its `code`.
 */
function anything(): unknown {
  const target = function () {} as unknown as object;
  const proxy: unknown = new Proxy(target, {
    get: (_t, key) => {
      if (key === Symbol.toPrimitive) return (hint: string) => (hint === 'number' ? 0 : 'x');
      if (key === Symbol.iterator) return function* () {};
      if (key === 'length') return 0;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

type ErrorClass = abstract new (...args: any[]) => Error;

const isErrorClass = (value: unknown): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error;

const entryPoints = { stratum: sdk, 'stratum/client': client } as Record<string, Record<string, unknown>>;
const exported = Object.entries(entryPoints).flatMap(([entry, namespace]) =>
  Object.entries(namespace)
    .filter(([, value]) => isErrorClass(value))
    .map(([name, value]) => ({ entry, name, errorClass: value as ErrorClass })),
);

describe('error classes', () => {
  test('the entry points export error classes (sanity)', () => {
    expect(exported.map((e) => e.name)).toEqual(expect.arrayContaining(['DuplicateKeyError', 'UnknownScheduleError', 'TemporalUnreachableError']));
  });

  test.each(exported)('$name (from $entry) is a StratumError', ({ errorClass }) => {
    expect(errorClass === StratumError || errorClass.prototype instanceof StratumError).toBe(true);
  });

  test.each(exported.filter((e) => !abstractClasses.has(e.name)))('$name (from $entry) carries a stable STRATUM_ code and its own name', ({ name, errorClass }) => {
    const args = Array.from({ length: Math.max(errorClass.length, 3) }, anything);
    const error = Reflect.construct(errorClass, args) as StratumError;
    expect(error.code).toMatch(/^STRATUM_[A-Z0-9_]+$/);
    expect(error.name).toBe(name);
  });

  test('no two exported error classes share a code', () => {
    const byCode = new Map<string, string[]>();
    for (const { name, errorClass } of exported) {
      if (abstractClasses.has(name)) continue;
      const error = Reflect.construct(errorClass, Array.from({ length: Math.max(errorClass.length, 3) }, anything)) as StratumError;
      byCode.set(error.code, [...new Set([...(byCode.get(error.code) ?? []), name])]);
    }
    expect([...byCode].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  test('no error class anywhere in the code extends Error directly, except StratumError itself', () => {
    const direct = sources.flatMap(({ file, text }) => [...text.matchAll(/class (\w+) extends Error\b/g)].map((m) => `${file}: ${m[1]}`));
    expect(direct).toEqual(['sdk/errors/stratum-error.ts: StratumError']);
  });
});
