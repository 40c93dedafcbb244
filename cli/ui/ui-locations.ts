import path from 'node:path';
import type { Definitions } from '../../sdk/definitions/definitions';
import { assignLocation } from '../../sdk/definitions/location';
import { DEFAULT_LOCATION } from '../../sdk/protocol/location';
import { loadDefinitions } from '../load-definitions';
import type { ResolvedLocation, ResolvedWorkspace } from '../workspace/load-workspace';

/** One code location as the web UI shows it: its module and task queue, and its definitions or why they did not load. */
export interface UiLocation {
  name: string;
  /** The definitions module, relative to the working directory when inside it. */
  module: string;
  taskQueue: string;
  definitions: Definitions | null;
  /** Why the module failed to load, or null. */
  loadError: string | null;
  /** Epoch ms of the last (re)load. */
  loadedAt: number;
}

/**
 * The locations the web UI serves, loaded in the UI's process (each marked as its location's, so
 * ids and the `StratumLocation` filter follow it). A module that fails to load is kept with its
 * error while the others work. {@link reload} loads one again from fresh module files: what
 * `stratum dev` calls after a location's worker reloaded, so the page shows the new definitions.
 */
export class UiLocations {
  private readonly byName = new Map<string, UiLocation>();

  constructor(
    readonly workspace: ResolvedWorkspace,
    /** The locations to serve (default: every location of the workspace). */
    readonly served: readonly ResolvedLocation[] = workspace.locations,
  ) {
    for (const location of served) this.byName.set(location.name, this.load(location));
  }

  /** Every served location, in workspace order. */
  list(): readonly UiLocation[] {
    return this.served.map((l) => this.byName.get(l.name)!);
  }

  /** True when the UI shows a workspace (a file, or several locations) rather than one implicit location. */
  get named(): boolean {
    return this.workspace.file !== null || this.served.some((l) => l.name !== DEFAULT_LOCATION);
  }

  /**
   * Loads location `name` again. `files` (the module and what it imports, as the dev worker
   * reported them) are dropped from the module cache first, so edits are read; without them the
   * definitions module itself is. Returns the location as now loaded.
   */
  reload(name: string, files?: readonly string[]): UiLocation | undefined {
    const location = this.served.find((l) => l.name === name);
    if (!location) return undefined;
    for (const file of files ?? [location.defs]) delete require.cache[path.resolve(file)];
    const loaded = this.load(location);
    // A failed reload keeps the definitions that loaded last, as `stratum dev` keeps its worker.
    const previous = this.byName.get(name);
    this.byName.set(name, loaded.definitions === null && previous?.definitions ? { ...previous, loadError: loaded.loadError, loadedAt: loaded.loadedAt } : loaded);
    return this.byName.get(name);
  }

  /** Records that location `name` failed to load (the dev worker's report), keeping what loaded before. */
  failed(name: string, message: string): void {
    const current = this.byName.get(name);
    if (current) this.byName.set(name, { ...current, loadError: message });
  }

  private load(location: ResolvedLocation): UiLocation {
    const base = { name: location.name, module: shownPath(location.defs), taskQueue: location.taskQueue, loadedAt: Date.now() };
    try {
      return { ...base, definitions: assignLocation(loadDefinitions(location.defs), location.name), loadError: null };
    } catch (error) {
      return { ...base, definitions: null, loadError: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** The location a run's workflow id names: `stratum@<location>/…`, else the default location. */
export function locationOfWorkflowId(workflowId: string): string {
  const match = /^stratum@([^/]+)\//.exec(workflowId);
  return match ? match[1]! : DEFAULT_LOCATION;
}
