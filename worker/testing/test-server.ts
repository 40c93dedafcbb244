import { startDevServer } from '../../cli/dev/dev-server';
import { findOrBuildTemporalCli } from '../../cli/dev/temporal-binary';
import { durationToMs, type Duration } from '../../sdk/definitions/duration';

/** Where a test environment's Temporal server comes from; see {@link startTestServer}. */
export interface TestServerOptions {
  /**
   * `host:port` of a running Temporal server to use instead of starting one (its namespace must
   * have Stratum's search attributes, as a `stratum dev` server has). Default: start one.
   */
  address?: string;
  /** Namespace. Default `default`. */
  namespace?: string;
  /**
   * Temporal CLI executable that runs the server. Default: `TEMPORAL_CLI_PATH`, else `temporal`
   * on PATH, else the copy Stratum builds with Go once per user.
   */
  temporalCliPath?: string;
  /** How long the server may take to answer. Default `'60s'` (a cold start on a busy CI machine is slow). */
  startTimeout?: Duration;
}

/** A Temporal server for tests: started by us (in memory, headless, free port) or an existing one. */
export interface TestServer {
  readonly address: string;
  readonly namespace: string;
  /** Stops the server if this process started it; a no-op for an existing server. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` in memory on a free port with Stratum's search attributes
 * registered, waiting for it with a bound of our own (the SDK's `createLocal` waits only 5 s).
 * With `address`, uses that server instead.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const namespace = options.namespace ?? 'default';
  if (options.address !== undefined) return { address: options.address, namespace, stop: async () => undefined };
  const cliPath =
    options.temporalCliPath ?? (await findOrBuildTemporalCli({ log: (line) => process.stderr.write(`[stratum/testing] ${line}\n`) }));
  const server = await startDevServer({
    port: 0,
    headless: true,
    dbFile: null,
    namespace,
    cliPath,
    startTimeoutMs: durationToMs(options.startTimeout ?? '60s', 'startTimeout'),
  });
  return { address: server.address, namespace, stop: () => server.stop() };
}
