import type { Client, Connection, TLSConfig } from '@temporalio/client';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from './connection';

/** Options of the `StratumClient` constructor, for callers that already hold a Temporal `Client`. */
export interface StratumClientOptions {
  /** Task queue the workers poll. Default `STRATUM_TASK_QUEUE` or `stratum`. */
  taskQueue?: string;
  /** The catalog the workers write; needed by backfills, run lookups, dynamic partitions and rebuilds. */
  catalog?: Catalog;
}

/** Options of `StratumClient.connect`. */
export interface StratumClientConnectOptions {
  /** The definitions the workers run (the same module, so plans match what they execute). */
  definitions: Definitions;
  /**
   * Temporal front-end, `host:port`. Default: `TEMPORAL_ADDRESS`, else the profile of the Temporal
   * config file (`TEMPORAL_PROFILE`, `TEMPORAL_CONFIG_FILE`), else the project's running local dev
   * server (`stratum dev`). With none of these it refuses (`TemporalNotConfiguredError`): app code
   * never starts a dev server.
   */
  address?: string;
  /** Namespace. Default: `TEMPORAL_NAMESPACE`, else the profile's, else `default`. */
  namespace?: string;
  /** TLS (`true`: system roots). Default: from `TEMPORAL_TLS*` or the profile when the address comes from there; none for `address`. */
  tls?: TLSConfig | boolean;
  /** API key, sent as `Authorization: Bearer …` (implies TLS). Default: `TEMPORAL_API_KEY` or the profile's when the address comes from there. */
  apiKey?: string;
  /** Task queue the workers poll. Default `STRATUM_TASK_QUEUE` or `stratum`. */
  taskQueue?: string;
  /**
   * The catalog: an open {@link Catalog} (left open by `close()`), or a location that `connect`
   * opens and `close()` closes (`postgres://…`, a SQLite path). Default: `STRATUM_CATALOG_URL`,
   * `STRATUM_CATALOG`, else `.stratum/catalog.db` in the working directory, as the CLI and workers use.
   */
  catalog?: Catalog | string;
  /** How long to wait for the server to answer before failing with `TemporalUnreachableError`. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Connects to the Temporal server `StratumClient.connect` is pointed at (see
 * {@link StratumClientConnectOptions.address}). Never starts a dev server.
 *
 * @throws TemporalNotConfiguredError when no address is given or configured and no local dev server runs.
 * @throws TemporalUnreachableError when the server does not answer within `timeoutMs`.
 * @throws TemporalConfigError when the Temporal config file or its variables are invalid.
 */
export async function connectAppClient(options: StratumClientConnectOptions): Promise<{ target: TemporalTarget; connection: Connection; client: Client }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let target: TemporalTarget;
  if (options.address !== undefined) {
    target = { address: options.address, namespace: process.env.TEMPORAL_NAMESPACE || 'default', source: 'option' };
  } else {
    ({ target } = await resolveTemporalTarget({ startLocalIfNeeded: false, timeoutMs }));
  }
  if (options.namespace !== undefined) target = { ...target, namespace: options.namespace };
  if (options.tls !== undefined) target = { ...target, tls: options.tls };
  if (options.apiKey !== undefined) target = { ...target, apiKey: options.apiKey };
  const { connection, client } = await connectClient(target, { timeoutMs });
  return { target, connection, client };
}
