import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../cli/dev/search-attributes';
import { searchAttributeDeclarations } from '../sdk/protocol/search-attributes';

/** What {@link setupCluster} did: whether it created the namespace, and the search attributes it added. */
export interface SetupReport {
  namespace: string;
  namespaceCreated: boolean;
  /** Search attributes added now (`Name=Type`); the others already existed with the right type. */
  added: string[];
  /** Every search attribute Stratum needs (`Name=Type`). */
  required: readonly string[];
}

/** Options of {@link setupCluster}. */
export interface SetupClusterOptions {
  /** Create the namespace when it does not exist (self-hosted clusters; Temporal Cloud refuses). Default true. */
  createNamespace?: boolean;
  /** Retention of a namespace created here, in days. Default 3 (Temporal's CLI default). */
  retentionDays?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prepares a Temporal cluster's namespace for Stratum, idempotently: creates the namespace if it
 * is missing (unless told not to), then registers every search attribute Stratum sets on its
 * runs, backfills, schedules and sensors. Run it once per namespace (`stratum setup`); the dev
 * server Stratum starts does this by itself.
 *
 * @throws SearchAttributeConflictError when an attribute exists with another type.
 */
export async function setupCluster(connection: Connection, namespace: string, options: SetupClusterOptions = {}): Promise<SetupReport> {
  const namespaceCreated = await ensureNamespace(connection, namespace, options);
  const added = await registerWhenKnown(connection, namespace);
  const byName = new Map(searchAttributeDeclarations.map((d) => [d.split('=')[0], d]));
  return { namespace, namespaceCreated, added: added.map((name) => byName.get(name) ?? name), required: searchAttributeDeclarations };
}

async function ensureNamespace(connection: Connection, namespace: string, options: SetupClusterOptions): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if ((error as { code?: number }).code !== 5 /* NOT_FOUND */ || options.createNamespace === false) throw error;
  }
  const days = options.retentionDays ?? 3;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${days}d`) });
  // The namespace registry is cached by every service: wait until the frontend knows it.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } catch {
      await sleep(200);
    }
  }
  return true;
}

/**
 * {@link ensureSearchAttributes}, repeated while the server's services have not all learnt of a
 * namespace created a moment ago (they answer NOT_FOUND for a few seconds).
 */
async function registerWhenKnown(connection: Connection, namespace: string): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ensureSearchAttributes(connection, namespace, searchAttributeDeclarations);
    } catch (error) {
      if ((error as { code?: number }).code !== 5 /* NOT_FOUND */ || attempt >= 150) throw error;
      await sleep(200);
    }
  }
}
