import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/** A running throwaway PostgreSQL database for a test file. */
export interface TestPostgres {
  /** Connection URL of a fresh, empty database (trust auth, no password). */
  url: string;
  /** Stops the server (or drops the database) and removes its files. Idempotent. */
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL server of this test's own, which the test may stop and start again. */
export interface RestartableTestPostgres extends TestPostgres {
  /**
   * Stops the server as an operator would (`pg_ctl stop -m fast`): open connections end with
   * SQLSTATE 57P01 ("terminating connection due to administrator command"), new ones are refused
   * (ECONNREFUSED). Its data stays.
   */
  stopServer(): Promise<void>;
  /** Starts the stopped server again on the same data folder and port (`pg_ctl start -w`). */
  startServer(): Promise<void>;
}

/**
 * Starts a REAL throwaway PostgreSQL server on this machine (never `STRATUM_TEST_POSTGRES_URL`'s
 * shared one), for tests that stop and restart it: a catalog outage.
 *
 * @example
 * const pg = await startRestartableTestPostgres();
 * await pg.stopServer(); // the catalog is down
 * await pg.startServer(); // and back, same URL
 */
export async function startRestartableTestPostgres(): Promise<RestartableTestPostgres> {
  return startLocalServer();
}

/**
 * Starts a REAL throwaway PostgreSQL for tests and benchmarks.
 *
 * - With `STRATUM_TEST_POSTGRES_URL` set (e.g. `postgres://postgres:pw@127.0.0.1:5432/postgres`),
 *   creates a fresh database with a random name on that server and drops it on `stop()`.
 * - Otherwise runs Debian's binaries (`/usr/lib/postgresql/<version>/bin`, newest version): `initdb`
 *   into a temp folder and `pg_ctl start` on a free 127.0.0.1 port with its unix socket in that
 *   folder, fsync off. As root it runs them as the `postgres` system user (initdb refuses root).
 *
 * Throws, never skips, when neither is available: install PostgreSQL with `apt-get install postgresql`.
 *
 * @example
 * let pg: TestPostgres;
 * beforeAll(async () => { pg = await startTestPostgres(); });
 * afterAll(() => pg.stop());
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env['STRATUM_TEST_POSTGRES_URL'];
  if (external) return createDatabaseOn(external);
  return startLocalServer();
}

/**
 * Creates a fresh database with a random name on the server of `serverUrl` and returns its URL.
 * Used by {@link startTestPostgres} and by suites that want one database per test.
 */
export async function createDatabaseOn(serverUrl: string): Promise<TestPostgres> {
  const name = `stratum_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let stopped = false;
  return {
    url: url.toString(),
    async stop() {
      if (stopped) return;
      stopped = true;
      const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function startLocalServer(): Promise<RestartableTestPostgres> {
  const bin = findPostgresBin();
  const asUser = runAsPrefix();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  if (asUser) chownToPostgres(dir);

  const run = (program: string, args: string[]) => {
    const result = spawnSync(asUser ? asUser[0]! : path.join(bin, program), asUser ? [...asUser.slice(1), path.join(bin, program), ...args] : args, {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.status !== 0) {
      let log = '';
      try {
        log = fs.readFileSync(logFile, 'utf8').slice(-2000);
      } catch {
        // no log yet
      }
      throw new Error(
        `Test PostgreSQL: \`${program} ${args.join(' ')}\` failed (exit ${String(result.status)}${result.error ? `, ${result.error.message}` : ''}):\n${result.stderr}${result.stdout}${log ? `\n--- postgres.log ---\n${log}` : ''}`,
      );
    }
  };

  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let port = 0;
  let serverOptions = '';
  let started = false;
  for (let tries = 0; tries < 3 && !started; tries++) {
    port = await freePort();
    serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=100',
      '-c shared_buffers=128MB',
    ].join(' ');
    try {
      run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
      started = true;
    } catch (error) {
      if (tries === 2) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  // If the test process dies without calling stop(), do not leave the server behind.
  const stopSync = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    } catch {
      // already stopped
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      stopSync();
    },
    async stopServer() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    },
    async startServer() {
      run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
    },
  };
}

function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/initdb and pg_ctl). Install them with `apt-get install postgresql`, or set STRATUM_TEST_POSTGRES_URL to a server this test may create databases on.',
    );
  }
  return path.join(root, versions[0]!, 'bin');
}

/** As root: the command prefix that runs a program as the `postgres` user; otherwise none. */
function runAsPrefix(): string[] | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'Running as root, and there is no `postgres` system user to run the test PostgreSQL as (initdb refuses root). Install PostgreSQL with `apt-get install postgresql`, which creates it, or set STRATUM_TEST_POSTGRES_URL.',
    );
  }
  if (fs.existsSync('/usr/sbin/runuser') || fs.existsSync('/sbin/runuser')) return ['runuser', '-u', 'postgres', '--'];
  return ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'];
}

function chownToPostgres(dir: string): void {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  fs.chownSync(dir, uid, gid);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
