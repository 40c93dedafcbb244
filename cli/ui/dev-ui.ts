import { defaultCatalogLocation, defaultTaskQueue } from '../../sdk/definitions/settings';
import type { Definitions } from '../../sdk/definitions/definitions';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { StratumClient } from '../../client/stratum-client';
import { lazyCatalog } from '../lazy-catalog';
import { loadDefinitions } from '../load-definitions';
import { log } from '../output';
import type { UiTemporal } from './ui-api';
import { startUiServer, type UiServer } from './ui-server';

/** Options of the UI `stratum dev` starts beside its worker. */
export interface DevUiOptions {
  defs: string;
  catalog?: string;
  taskQueue?: string;
  host: string;
  port: number;
  allowActions: boolean;
}

/**
 * Starts the web UI in `stratum dev`'s supervisor process. It connects to Temporal on first use
 * (the dev server may still be starting) and retries on the next request after a failure; the
 * definitions are loaded once, at start. Resolves null (after saying why) when the server cannot
 * listen, e.g. the port is taken: `stratum dev` runs on without its UI.
 */
export async function startDevUi(options: DevUiOptions): Promise<UiServer | null> {
  let definitions: Definitions | null = null;
  let loadError: Error | null = null;
  try {
    definitions = loadDefinitions(options.defs);
  } catch (error) {
    loadError = error instanceof Error ? error : new Error(String(error));
  }
  const defs = (): Definitions => {
    if (definitions) return definitions;
    throw loadError ?? new Error(`No definitions loaded from ${options.defs}.`);
  };
  const catalog = lazyCatalog(options.catalog ?? defaultCatalogLocation());
  let connecting: Promise<UiTemporal> | null = null;
  const temporal = (): Promise<UiTemporal> => {
    connecting ??= (async () => {
      const { target, uiUrl } = await resolveTemporalTarget({ startLocalIfNeeded: false });
      const { client } = await connectClient(target);
      return { client, namespace: target.namespace, uiUrl, stratum: new StratumClient(client, defs(), { taskQueue: options.taskQueue ?? defaultTaskQueue(), catalog }) };
    })().catch((error: unknown) => {
      connecting = null;
      throw error;
    });
    return connecting;
  };
  let ui: UiServer;
  try {
    ui = await startUiServer({ definitions: defs, catalog, temporal, allowActions: options.allowActions, host: options.host, port: options.port, log });
  } catch (error) {
    // The worker matters more than the UI: say why and carry on without it.
    await catalog.close();
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    log(`Stratum UI not started: ${busy ? `port ${options.port} on ${options.host} is in use (pick another with --ui-port, or --no-ui)` : error instanceof Error ? error.message : String(error)}.`);
    return null;
  }
  log(`Stratum UI: ${ui.url}${options.allowActions ? ' (actions enabled)' : ''}`);
  return {
    url: ui.url,
    async close() {
      await ui.close();
      await catalog.close();
    },
  };
}
