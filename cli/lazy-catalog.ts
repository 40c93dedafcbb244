import { existsSync } from 'node:fs';
import { openCatalog, parseCatalogLocation, type Catalog } from '../sdk/catalog';

/**
 * A catalog opened on its first call, so a command that refuses its request (an unknown
 * selection, bad config, a reversed range) leaves no new catalog file behind: opening a SQLite
 * catalog creates and migrates the file. `dialect` and `location` are known without opening it;
 * `close()` closes it only if it was opened.
 *
 * @example
 * const catalog = lazyCatalog('.stratum/catalog.db'); // nothing on disk yet
 * await catalog.listRuns({ limit: 5 });              // opens (creates) it now
 */
export function lazyCatalog(location: string): Catalog {
  const parsed = parseCatalogLocation(location);
  let opening: Promise<Catalog> | null = null;
  const open = (): Promise<Catalog> => (opening ??= openCatalog(location));
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy({} as Catalog, {
    get(_target, property) {
      if (property === 'dialect') return parsed.dialect;
      if (property === 'location') return parsed.display;
      // Not a thenable: `await lazyCatalog(...)` must not call a catalog method named `then`.
      if (typeof property === 'symbol' || property === 'then') return undefined;
      if (property === 'close') {
        return async () => {
          const opened = opening ? await opening.catch(() => null) : null;
          await opened?.close();
        };
      }
      if (!methods.has(property)) {
        methods.set(property, async (...args: unknown[]) => {
          const catalog = await open();
          return (catalog[property as keyof Catalog] as (...a: unknown[]) => Promise<unknown>).apply(catalog, args);
        });
      }
      return methods.get(property);
    },
  });
}

/** Whether the catalog at `location` may hold anything: false for a SQLite file that does not exist yet. */
export function catalogMayExist(location: string): boolean {
  const parsed = parseCatalogLocation(location);
  return parsed.dialect !== 'sqlite' || parsed.path === ':memory:' || existsSync(parsed.path);
}
