import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogLocationError } from './errors';

/** A parsed catalog location: which backend, and where. */
export type CatalogLocation =
  | {
      dialect: 'postgres';
      /** The connection URL as given (contains the password: never print it). */
      url: string;
      /** The URL with its password replaced by `***`, safe to print. */
      display: string;
      host: string;
      port: number;
      database: string;
      user: string;
      /** Decoded password, or '' — only used to scrub it from driver messages. */
      secret: string;
    }
  | {
      dialect: 'sqlite';
      /** Absolute file path, or `:memory:`. */
      path: string;
      display: string;
    };

/**
 * Parses a catalog location:
 * - `postgres://…` or `postgresql://…`: PostgreSQL (any URL the `pg` driver accepts, `?sslmode=…` too);
 * - `:memory:`: an in-memory SQLite database (gone when closed);
 * - `sqlite:PATH`, `sqlite://PATH`, `file:///PATH` or a plain file path: a SQLite file, relative
 *   paths resolved against `cwd`.
 *
 * @throws CatalogLocationError for an empty location or another URL scheme (`mysql://…`).
 */
export function parseCatalogLocation(location: string, cwd: string = process.cwd()): CatalogLocation {
  const trimmed = location.trim();
  if (trimmed === '') throw new CatalogLocationError(location);
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new CatalogLocationError(redactUnparsable(trimmed));
    }
    const secret = safeDecode(url.password);
    const shown = new URL(trimmed);
    if (shown.password) shown.password = '***';
    const socketHost = url.searchParams.get('host');
    return {
      dialect: 'postgres',
      url: trimmed,
      display: shown.toString(),
      host: url.hostname || socketHost || 'localhost',
      port: url.port ? Number(url.port) : 5432,
      database: safeDecode(url.pathname.replace(/^\//, '')) || safeDecode(url.username) || 'postgres',
      user: safeDecode(url.username) || process.env['PGUSER'] || process.env['USER'] || 'postgres',
      secret,
    };
  }
  let file: string;
  if (/^file:\/\//i.test(trimmed)) file = fileURLToPath(trimmed);
  else if (/^sqlite:\/\//i.test(trimmed)) file = trimmed.slice('sqlite://'.length);
  else if (/^sqlite:/i.test(trimmed)) file = trimmed.slice('sqlite:'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) throw new CatalogLocationError(redactUnparsable(trimmed));
  else file = trimmed;
  if (file === '') throw new CatalogLocationError(location);
  if (file === ':memory:') return { dialect: 'sqlite', path: ':memory:', display: ':memory:' };
  const absolute = path.resolve(cwd, file);
  return { dialect: 'sqlite', path: absolute, display: absolute };
}

/** Replaces every occurrence of `secret` (raw and URL-encoded) in `text` by `***`. */
export function scrubSecret(text: string, secret: string): string {
  if (!secret) return text;
  let out = text;
  for (const s of new Set([secret, encodeURIComponent(secret)])) out = out.split(s).join('***');
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** For a URL we cannot parse, hide whatever sits between `://` and `@`. */
function redactUnparsable(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}
