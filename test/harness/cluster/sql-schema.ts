import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** A PostgreSQL server the cluster's databases go on. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The server of a `postgres://user[:password]@host:port/db` URL. */
export function postgresServerOf(url: string): PostgresServer {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

/** `postgres://…/database` on `server`. */
export function postgresUrlOf(server: PostgresServer, database: string): string {
  const auth = server.password ? `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}` : encodeURIComponent(server.user);
  return `postgres://${auth}@${server.host}:${server.port}/${database}`;
}

/** Which of the module's two schemas a database gets. */
export type TemporalSchema = 'temporal' | 'visibility';

/**
 * Creates `database` on `server` and sets up Temporal's `schema` in it with temporal-sql-tool, as
 * Temporal's docs do: `create`, `setup-schema -v 0.0`, then `update-schema -d
 * <module>/schema/postgresql/v12/<schema>/versioned` (plugin `postgres12`).
 *
 * @throws Error with the tool's output when a step fails.
 */
export function setupTemporalDatabase(options: { sqlTool: string; moduleDir: string; server: PostgresServer; database: string; schema: TemporalSchema }): void {
  const { sqlTool, moduleDir, server, database, schema } = options;
  const common = ['--plugin', 'postgres12', '--ep', server.host, '-p', String(server.port), '-u', server.user, ...(server.password ? ['--pw', server.password] : []), '--db', database];
  const versioned = path.join(moduleDir, 'schema', 'postgresql', 'v12', schema, 'versioned');
  for (const step of [['create'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', versioned]]) {
    const result = spawnSync(sqlTool, [...common, ...step], { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) {
      throw new Error(
        `temporal-sql-tool ${step.join(' ')} on database ${database} failed (exit ${String(result.status)}${result.error ? `, ${result.error.message}` : ''}):\n${(result.stderr + result.stdout).slice(-3000)}`,
      );
    }
  }
}
