import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { StratumClient } from '../../client/stratum-client';
import { lazyCatalog } from '../lazy-catalog';
import { log } from '../output';
import { resolveWorkspace, selectLocation } from '../workspace/load-workspace';
import type { LocationOptions } from '../workspace/open-location';
import type { UiTemporal } from './ui-api';
import { UiLocations } from './ui-locations';
import { startUiServer, type UiServer } from './ui-server';

/** Options of the UI `stratum dev` (and `stratum ui` over a workspace) starts. */
export interface DevUiOptions extends LocationOptions {
  catalog?: string;
  /** Task queue of the one implicit location (`--task-queue`); workspace locations keep their own. */
  taskQueue?: string;
  host: string;
  port: number;
  allowActions: boolean;
}

/** The UI of `stratum dev`: a {@link UiServer} that can load a location's definitions again. */
export interface DevUi extends UiServer {
  /** Loads location `name` again (after its worker reloaded), dropping `files` from the module cache first. */
  reload(name: string, files?: readonly string[]): void;
  /** Records that location `name` failed to load (the previous definitions stay shown). */
  failed(name: string, message: string): void;
}

/**
 * Starts the web UI over every location of the workspace (or `--location`'s, or the one implicit
 * location), in `stratum dev`'s supervisor process. It connects to Temporal on first use (the dev
 * server may still be starting) and retries on the next request after a failure. A location whose
 * module fails to load is shown with its error; {@link DevUi.reload} follows code reloads. Resolves
 * null (after saying why) when the server cannot listen, e.g. the port is taken: `stratum dev`
 * runs on without its UI.
 */
export async function startDevUi(options: DevUiOptions): Promise<DevUi | null> {
  const workspace = resolveWorkspace(options);
  const served = options.location !== undefined ? [selectLocation(workspace, options.location)] : workspace.locations;
  const single = workspace.file === null && served.length === 1;
  const taskQueueOf = (location: (typeof served)[number]) => (single && options.taskQueue ? options.taskQueue : location.taskQueue);
  const locations = new UiLocations(workspace, served.map((l) => ({ ...l, taskQueue: taskQueueOf(l) })));
  const catalog = lazyCatalog(options.catalog ?? served[0]?.catalog ?? defaultCatalogLocation());
  let connecting: Promise<UiTemporal> | null = null;
  const clients = new Map<string, { loadedAt: number; client: StratumClient }>();
  const temporal = (): Promise<UiTemporal> => {
    connecting ??= (async () => {
      const { target, uiUrl } = await resolveTemporalTarget({ startLocalIfNeeded: false });
      const { client } = await connectClient(target);
      // A location's client over its definitions as loaded now (rebuilt after a reload).
      const stratumFor = (name: string): StratumClient => {
        const location = locations.list().find((l) => l.name === name) ?? locations.list()[0]!;
        if (!location.definitions) throw new Error(`Location ${location.name} did not load: ${location.loadError ?? 'unknown error'}`);
        const known = clients.get(location.name);
        if (known && known.loadedAt === location.loadedAt) return known.client;
        const made = new StratumClient(client, location.definitions, { taskQueue: location.taskQueue, catalog });
        clients.set(location.name, { loadedAt: location.loadedAt, client: made });
        return made;
      };
      const first = locations.list().find((l) => l.definitions !== null);
      if (!first) throw new Error(`No location loaded: ${locations.list().map((l) => `${l.name}: ${l.loadError}`).join('; ')}`);
      return {
        client,
        namespace: target.namespace,
        uiUrl,
        get stratum() {
          return stratumFor(first.name);
        },
        stratumFor,
      };
    })().catch((error: unknown) => {
      connecting = null;
      throw error;
    });
    return connecting;
  };
  let ui: UiServer;
  try {
    ui = await startUiServer({
      locations: () => locations.list(),
      catalog,
      temporal,
      allowActions: options.allowActions,
      actionClient: async (name) => (await temporal()).stratumFor!(name),
      host: options.host,
      port: options.port,
      log,
    });
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
    reload: (name, files) => void locations.reload(name, files),
    failed: (name, message) => locations.failed(name, message),
    async close() {
      await ui.close();
      await catalog.close();
    },
  };
}
