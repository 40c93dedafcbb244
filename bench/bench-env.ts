/**
 * What the benchmarks share: a local dev server with its connections, a scratch folder, a logger,
 * and the percentile maths the figures are computed with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../cli/dev/dev-server';

/** A benchmark's dev server, its connections and its scratch folder, from {@link startBenchEnv}. */
export interface BenchEnv {
  /** A fresh temporary folder (for the catalog, storage…), removed by `close()`. */
  dir: string;
  /** Writes one line to stdout. */
  log: (line: string) => void;
  /** The in-memory, headless dev server. */
  server: DevServer;
  /** The client connection behind `client`. */
  connection: Connection;
  /** A client of the dev server's default namespace. */
  client: Client;
  /** The worker-side connection, for `createWorker` / `Worker.create`. */
  native: NativeConnection;
  /** Closes both connections, stops the server and removes `dir`. Shut workers down first. */
  close(): Promise<void>;
}

/**
 * Installs the Temporal Runtime logger (errors only), makes a temporary folder, starts an
 * in-memory headless dev server on a free port and connects a client and a native connection.
 * If a connection fails, the server is stopped and the folder removed before the error is thrown.
 * @param name the benchmark's name, used in the temporary folder's name.
 * @example
 * const { dir, log, client, native, close } = await startBenchEnv('schedule');
 * try {
 *   // …create a worker on `native`, drive it through `client`, `log(JSON.stringify(figures))`
 * } finally {
 *   await close();
 * }
 */
export async function startBenchEnv(name: string): Promise<BenchEnv> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(path.join(tmpdir(), `stratum-bench-${name}-`));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log('Starting a Temporal dev server (in memory, headless)…');
  const server = await startDevServer({ port: 0, dbFile: null, headless: true, log: () => undefined }).catch((error: unknown) => {
    removeDir();
    throw error;
  });
  const { connection, client, native } = await connect(server.address).catch(async (error: unknown) => {
    await server.stop().catch(() => undefined);
    removeDir();
    throw error;
  });
  return {
    dir,
    log,
    server,
    connection,
    client,
    native,
    async close() {
      try {
        await connection.close();
        await native.close().catch(() => undefined);
      } finally {
        await server.stop();
        removeDir();
      }
    },
  };
}

/** A client and a native connection to `address`; the client's connection is closed if the native one fails. */
async function connect(address: string): Promise<Pick<BenchEnv, 'connection' | 'client' | 'native'>> {
  const connection = await Connection.connect({ address });
  try {
    const native = await NativeConnection.connect({ address });
    return { connection, client: new Client({ connection }), native };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}

/**
 * How {@link percentile} picks its sample from `n` sorted values:
 * - `'nearest'`: nearest rank, the smallest value with at least p% of the values at or below it
 *   (index ⌈p·n/100⌉ − 1);
 * - `'above'`: the smallest value with more than p% of the values at or below it (index
 *   ⌊p·n/100⌋): the upper median at p = 50, the maximum at p = 95 with 20 values.
 */
export type PercentileRank = 'nearest' | 'above';

/**
 * The p-th percentile (0–100) of `values`, one of the values themselves (no interpolation).
 * `values` must not be empty.
 * @example
 * percentile([5, 1, 4, 2, 3], 50); // 3
 * percentile([1, 2, 3, 4], 50); // 2 ('above': 3)
 */
export function percentile(values: readonly number[], p: number, rank: PercentileRank = 'nearest'): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = rank === 'nearest' ? Math.ceil((p / 100) * sorted.length) - 1 : Math.floor((sorted.length * p) / 100);
  return sorted[Math.min(sorted.length - 1, Math.max(0, index))]!;
}

/** The middle value of `values` (the upper of the two middle ones for an even count): `percentile(values, 50, 'above')`. */
export function median(values: readonly number[]): number {
  return percentile(values, 50, 'above');
}
