import type { Client } from '@temporalio/client';
import type { CatalogReader, RunRecord } from '../../sdk/catalog';
import type { AssetNode } from '../../sdk/definitions/step-spec';
import type { Definitions } from '../../sdk/definitions/definitions';
import { resolveSelection } from '../../sdk/definitions/selection';
import { StratumError } from '../../sdk/errors';
import { StratumSearchAttributes } from '../../sdk/protocol/search-attributes';
import { describeStaleCause, StalenessResolver, summarizeStaleness, type PartitionStaleness } from '../../sdk/versions/staleness';
import type { StratumClient } from '../../client/stratum-client';
import type { BackfillHandle } from '../../client/backfill-handle';
import type { BackfillProgress } from '../../sdk/protocol/backfill';
import { workflowUrl } from '../watch-run';
import { partitionHealth, type PartitionHealth } from './partition-ranges';
import { hasPollers } from '../worker-pollers';
import { locationOfWorkflowId, type UiLocation } from './ui-locations';

/** What the UI reaches Temporal with, connected on first use. */
export interface UiTemporal {
  client: Client;
  /** The client of the first location (backfill handles, run cancel: location-independent ids). */
  stratum: StratumClient;
  /** The client of a location (its schedules and sensors); default `stratum`. */
  stratumFor?: (location: string) => StratumClient;
  namespace: string;
  /** The Temporal web UI, for links to workflows; null when unknown. */
  uiUrl: string | null;
}

/** What the UI's JSON API reads. */
export interface UiApiSources {
  /** The code locations shown, each with its definitions or its load error (read on every request: `stratum dev` reloads them). */
  locations: () => readonly UiLocation[];
  catalog: CatalogReader;
  temporal: () => Promise<UiTemporal>;
  /** Pause, resume and cancel (and re-execute) only when true (`--allow-actions`). */
  allowActions: boolean;
  /**
   * The client runs started from the page (re-executions) use; default `temporal().stratum`.
   * `stratum ui` runs a worker in its process here when none polls the task queue.
   */
  actionClient?: (location: string) => Promise<StratumClient>;
}

/** Name of the implicit location of a project without a workspace file. */
const DEFAULT_LOCATION_NAME = 'default';

/** A request the API refuses, with the HTTP status to answer with. */
export class UiRequestError extends StratumError {
  readonly code = 'STRATUM_UI_REQUEST';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Status of a node of the asset graph. */
export type UiAssetStatus = 'fresh' | 'stale' | 'missing' | 'failed' | 'running';

/** How a run was started, from its backfill id and workflow id. */
export function runTrigger(run: Pick<RunRecord, 'backfillId' | 'workflowId' | 'tags'>): 'backfill' | 'schedule' | 'sensor' | 'manual' {
  if (run.backfillId) return 'backfill';
  if (/schedule/i.test(run.workflowId) || run.tags['stratum/schedule']) return 'schedule';
  if (/sensor/i.test(run.workflowId) || run.tags['stratum/sensor']) return 'sensor';
  return 'manual';
}

/**
 * The web UI's JSON API over the definitions, the catalog and Temporal. Every method answers one
 * route; `route` dispatches a request to it. Partitions are summarized here (ranges of one
 * status), so the page gets a few segments per asset whatever the partition count.
 */
export class UiApi {
  constructor(private readonly sources: UiApiSources) {}

  /** Answers `GET|POST /api/...`; throws {@link UiRequestError} for unknown routes and bad requests. */
  async route(method: string, pathname: string, query: URLSearchParams): Promise<unknown> {
    const parts = pathname.replace(/^\/api\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    const [head, ...rest] = parts;
    if (method === 'GET') {
      if (head === 'meta') return this.meta();
      if (head === 'graph') return this.graph(query.get('select') ?? '', query.get('location') || null);
      if (head === 'assets' && rest.length > 0) return this.asset(rest.join('/'));
      if (head === 'runs' && rest.length === 0) return this.runs(query);
      if (head === 'runs' && rest.length === 1) return this.run(rest[0]!);
      if (head === 'backfills' && rest.length === 0) return this.backfills();
      if (head === 'backfills' && rest.length === 1) return this.backfill(rest[0]!);
      if (head === 'schedules') return this.schedules();
      if (head === 'sensors') return this.sensors();
      if (head === 'locations') return this.locations();
    }
    if (method === 'POST') {
      if (!this.sources.allowActions) throw new UiRequestError('Actions are off: start the UI with --allow-actions to pause, resume or cancel.', 403);
      if (head === 'backfills' && rest.length === 2) return this.backfillAction(rest[0]!, rest[1]!);
      if (head === 'runs' && rest.length === 2 && rest[1] === 'reexecute') return this.reexecute(rest[0]!, query.get('fromFailure') !== 'false');
      if (head === 'runs' && rest.length === 2 && rest[1] === 'cancel') return { workflowId: await (await this.sources.temporal()).stratum.cancelRun(rest[0]!) };
    }
    throw new UiRequestError(`No such API route: ${method} ${pathname}`, 404);
  }

  /** The locations whose definitions loaded. */
  private loaded(): { name: string; definitions: Definitions }[] {
    return this.sources.locations().flatMap((l) => (l.definitions ? [{ name: l.name, definitions: l.definitions }] : []));
  }

  /**
   * Where an asset key is defined: the location whose node is not a source asset (keys are unique
   * across a workspace), else the first location that declares it (a source asset of nobody here).
   */
  private ownerOf(key: string): { location: string; definitions: Definitions; node: AssetNode } | null {
    let declared: { location: string; definitions: Definitions; node: AssetNode } | null = null;
    for (const l of this.loaded()) {
      const node = l.definitions.assetNodes.get(key);
      if (!node) continue;
      if (!node.external) return { location: l.name, definitions: l.definitions, node };
      declared ??= { location: l.name, definitions: l.definitions, node };
    }
    return declared;
  }

  /** The location of a run: its workflow id's, else its first asset's owner, else its job's location. */
  private runLocation(run: Pick<RunRecord, 'workflowId' | 'assetKeys' | 'job'>): string {
    const byId = locationOfWorkflowId(run.workflowId);
    if (byId !== DEFAULT_LOCATION_NAME) return byId;
    const byAsset = run.assetKeys[0] ? this.ownerOf(run.assetKeys[0])?.location : undefined;
    if (byAsset) return byAsset;
    const byJob = run.job ? this.loaded().find((l) => l.definitions.job(run.job!)) : undefined;
    return byJob?.name ?? this.sources.locations()[0]?.name ?? DEFAULT_LOCATION_NAME;
  }

  private stratumOf(temporal: UiTemporal, location: string): StratumClient {
    return temporal.stratumFor ? temporal.stratumFor(location) : temporal.stratum;
  }

  private async temporalOrNull(): Promise<UiTemporal | null> {
    try {
      return await this.sources.temporal();
    } catch {
      return null;
    }
  }

  private async meta() {
    const temporal = await this.temporalOrNull();
    const locations = this.sources.locations();
    return {
      allowActions: this.sources.allowActions,
      catalog: this.sources.catalog.location,
      namespace: temporal?.namespace ?? null,
      temporalUiUrl: temporal?.uiUrl ?? null,
      temporalConnected: temporal !== null,
      locations: locations.map((l) => ({ name: l.name, loaded: l.definitions !== null, loadedAt: l.loadedAt })),
      workspace: locations.length > 1 || locations.some((l) => l.name !== DEFAULT_LOCATION_NAME),
    };
  }

  private link(temporal: UiTemporal | null, workflowId: string): string | null {
    return temporal ? workflowUrl(temporal.uiUrl, temporal.namespace, workflowId) : null;
  }

  /**
   * Every selected asset of every location (or of `location` only) with its location, upstream
   * keys, status and (partitioned) health. A location's source asset of another location's asset
   * is shown once, as its owner's node; the selection is resolved in each location.
   */
  private async graph(select: string, onlyLocation: string | null) {
    const candidates = new Map<string, { location: string; definitions: Definitions; key: string }[]>();
    const errors: string[] = [];
    for (const l of this.loaded()) {
      if (onlyLocation !== null && l.name !== onlyLocation) continue;
      let keys: string[];
      try {
        keys = select.trim() === '' ? [...l.definitions.assetNodes.keys()] : resolveSelection(l.definitions, select);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        continue;
      }
      for (const key of keys) candidates.set(key, [...(candidates.get(key) ?? []), { location: l.name, definitions: l.definitions, key }]);
    }
    // One node per key: its owner's (a location's source asset of another's asset is that asset), else the first location's.
    const picked = [...candidates.values()].map((found) => found.find((c) => !c.definitions.assetNodes.get(c.key)!.external) ?? found[0]!);
    if (picked.length === 0 && errors.length > 0) throw new UiRequestError(errors[0]!, 400);
    const selected = new Set(picked.map((p) => p.key));
    const catalog = this.sources.catalog;
    const summaries = new Map((await catalog.listAssets()).map((s) => [s.assetKey, s]));
    const running = new Set((await catalog.listRuns({ status: 'started', limit: 500 })).flatMap((r) => r.assetKeys));
    const resolvers = new Map<string, StalenessResolver>();
    const nodes = [];
    for (const { location: where, definitions: defs, key } of picked) {
      const resolver = resolvers.get(where) ?? (await StalenessResolver.create(defs, catalog));
      resolvers.set(where, resolver);
      const node = defs.assetNodes.get(key)!;
      const summary = summaries.get(key);
      let health: Omit<PartitionHealth, 'ranges'> & { ranges: PartitionHealth['ranges'] } | null = null;
      let status: UiAssetStatus;
      if (node.partitions !== null) {
        const partitionKeys = resolver.allKeys(node) as string[];
        health = partitionHealth(partitionKeys, summary ? await catalog.partitionStatuses(key) : new Map());
      }
      if (running.has(key)) status = 'running';
      else if (!summary) status = 'missing';
      else if (health ? health.failed > 0 : (await catalog.partitionStatus(key, null))?.status === 'failed') status = 'failed';
      else if (health ? health.materialized === 0 : summary.lastMaterializedAt === null) status = 'missing';
      else status = summarizeStaleness(await resolver.staleness(key)).status;
      nodes.push({
        key,
        location: where,
        external: node.external !== undefined,
        group: node.group,
        upstream: node.upstream.map((u) => u.assetKey).filter((k) => selected.has(k)),
        status,
        partitioned: node.partitions !== null,
        health,
        lastMaterializedAt: summary?.lastMaterializedAt ?? null,
      });
    }
    return { nodes, locations: this.sources.locations().map((l) => l.name) };
  }

  private async asset(key: string) {
    const owner = this.ownerOf(key);
    if (!owner) throw new UiRequestError(`No asset "${key}" in the definitions${this.sources.locations().length > 1 ? ' of any location' : ''}.`, 404);
    const { definitions: defs, node } = owner;
    const catalog = this.sources.catalog;
    const temporal = await this.temporalOrNull();
    // Downstream in every location: another location's assets may read it (sourceAsset).
    const downstream: string[] = [];
    const readBy: { key: string; location: string }[] = [];
    for (const l of this.loaded()) {
      for (const n of l.definitions.assetNodes.values()) {
        if (n.external || !n.upstream.some((u) => u.assetKey === key) || downstream.includes(n.key)) continue;
        downstream.push(n.key);
        readBy.push({ key: n.key, location: l.name });
      }
    }
    const [latest, history, checks, runs] = await Promise.all([
      catalog.latestMaterialization(key),
      catalog.materializationHistory(key, { limit: 200 }),
      catalog.latestCheckResults(key),
      catalog.listRuns({ assetKey: key, limit: 50 }),
    ]);
    const resolver = await StalenessResolver.create(defs, catalog);
    const staleness = await resolver.staleness(key);
    const describe = (p: PartitionStaleness) => ({ partitionKey: p.partitionKey, status: p.status, causes: p.causes.map(describeStaleCause) });
    let health: PartitionHealth | null = null;
    if (node.partitions !== null) health = partitionHealth(resolver.allKeys(node) as string[], await catalog.partitionStatuses(key));
    // Numeric metadata over time, oldest first: one series per metadata key holding a number.
    const series: Record<string, { at: number; value: number; partitionKey: string | null }[]> = {};
    for (const m of [...history].reverse()) {
      for (const [name, raw] of Object.entries(m.metadata)) {
        const value = typeof raw === 'number' ? raw : raw && typeof raw === 'object' && typeof (raw as { value?: unknown }).value === 'number' ? (raw as { value: number }).value : null;
        if (value === null || !Number.isFinite(value)) continue;
        (series[name] ??= []).push({ at: m.materializedAt, value, partitionKey: m.partitionKey });
      }
    }
    return {
      definition: {
        key,
        location: owner.location,
        external: node.external !== undefined,
        downstreamLocations: readBy,
        group: node.group,
        owners: node.owners,
        tags: node.tags,
        description: node.description,
        codeVersion: node.codeVersion,
        partitions: node.partitions ? { kind: node.partitions.kind, spec: node.partitions.spec, count: health?.total ?? null } : null,
        upstream: node.upstream.map((u) => u.assetKey),
        downstream,
        observable: node.observable ?? false,
      },
      latest,
      history: history.slice(0, 50),
      series,
      health,
      staleness: { ...summarizeStaleness(staleness), partitions: staleness.filter((p) => p.status !== 'fresh').slice(0, 50).map(describe) },
      checks,
      runs: runs.map((r) => this.runRow(r, temporal)),
    };
  }

  private runRow(r: RunRecord, temporal: UiTemporal | null) {
    return {
      ...r,
      location: this.runLocation(r),
      trigger: runTrigger(r),
      target: r.job ?? r.selection,
      partition: r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.from}…${r.partitionRange.to}` : null),
      durationMs: r.endedAt !== null ? r.endedAt - r.startedAt : null,
      url: this.link(temporal, r.workflowId),
    };
  }

  private async runs(query: URLSearchParams) {
    const status = query.get('status') || undefined;
    const rows = await this.sources.catalog.listRuns({
      limit: Number(query.get('limit') ?? 200),
      ...(status ? { status: status as RunRecord['status'] } : {}),
      ...(query.get('job') ? { job: query.get('job')! } : {}),
      ...(query.get('asset') ? { assetKey: query.get('asset')! } : {}),
      ...(query.get('backfill') ? { backfillId: query.get('backfill')! } : {}),
    });
    const temporal = await this.temporalOrNull();
    const trigger = query.get('trigger');
    const where = query.get('location');
    return { runs: rows.map((r) => this.runRow(r, temporal)).filter((r) => (!trigger || r.trigger === trigger) && (!where || r.location === where)) };
  }

  private async run(runId: string) {
    const catalog = this.sources.catalog;
    let run = await catalog.getRun(runId);
    if (!run) {
      // A unique prefix of a run id, as the CLI accepts.
      const matches = (await catalog.listRuns({ limit: 1000 })).filter((r) => r.runId.startsWith(runId));
      if (matches.length === 1) run = await catalog.getRun(matches[0]!.runId);
    }
    if (!run) throw new UiRequestError(`No run "${runId}" in the catalog.`, 404);
    const temporal = await this.temporalOrNull();
    const [logs, materializations, checks] = await Promise.all([catalog.runLogs(run.runId, { limit: 5000 }), catalog.runMaterializations(run.runId), catalog.runCheckResults(run.runId)]);
    return { run: { ...this.runRow(run, temporal), steps: run.steps }, logs, materializations, checks };
  }

  /** Re-executes a run (by default from its failure: only its failed and skipped steps); answers the new run's ids. */
  private async reexecute(runId: string, fromFailure: boolean) {
    const run = (await this.sources.catalog.getRun(runId)) ?? (await this.sources.catalog.listRuns({ limit: 1000 })).find((r) => r.runId.startsWith(runId));
    const where = run ? this.runLocation(run) : (this.sources.locations()[0]?.name ?? DEFAULT_LOCATION_NAME);
    const client = this.sources.actionClient ? await this.sources.actionClient(where) : this.stratumOf(await this.sources.temporal(), where);
    try {
      const handle = await client.reexecuteRun(runId, { fromFailure });
      return { runId: handle.plan.runId, workflowId: handle.workflowId };
    } catch (error) {
      if (error instanceof StratumError) throw new UiRequestError(error.message, 409);
      throw error;
    }
  }

  private async backfills() {
    const temporal = await this.sources.temporal();
    const rows: { backfillId: string; workflowId: string; location: string; status: string; startedAt: number; url: string | null }[] = [];
    const seen = new Set<string>();
    for await (const w of temporal.client.workflow.list({ query: "StratumKind = 'backfill'" })) {
      if (seen.has(w.workflowId)) continue;
      seen.add(w.workflowId);
      const backfillId = String(w.typedSearchAttributes.get(StratumSearchAttributes.backfillId) ?? w.workflowId.split('/').pop());
      const where = w.typedSearchAttributes.get(StratumSearchAttributes.location);
      rows.push({ backfillId, workflowId: w.workflowId, location: typeof where === 'string' ? where : (this.sources.locations()[0]?.name ?? DEFAULT_LOCATION_NAME), status: w.status.name, startedAt: w.startTime.getTime(), url: this.link(temporal, w.workflowId) });
      if (rows.length >= 200) break;
    }
    return { backfills: rows.sort((a, b) => b.startedAt - a.startedAt) };
  }

  /** Progress (from the backfill's workflow) and the asset × partition matrix (from its runs in the catalog). */
  private async backfill(backfillId: string) {
    const temporal = await this.temporalOrNull();
    let progress: unknown = null;
    let workflowId: string | null = null;
    if (temporal) {
      const handle = temporal.stratum.backfill(backfillId);
      workflowId = handle.workflowId;
      progress = await backfillProgress(handle).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
    }
    const runs = await this.sources.catalog.listRuns({ backfillId, limit: 10_000 });
    const firstAsset = runs.find((r) => r.assetKeys.length > 0)?.assetKeys[0];
    const owner = firstAsset ? this.ownerOf(firstAsset) : null;
    const defs = owner?.definitions ?? this.loaded()[0]?.definitions;
    if (!defs) throw new UiRequestError('No location has loaded definitions.', 503);
    const resolver = await StalenessResolver.create(defs, this.sources.catalog);
    const cells = new Map<string, Map<string, string>>();
    const partitions = new Set<string>();
    // Oldest run first, so a retried partition shows its latest outcome.
    for (const r of [...runs].reverse()) {
      const keys = r.partitionKey !== null ? [r.partitionKey] : r.partitionRange ? rangeKeys(resolver, r.assetKeys[0], r.partitionRange) : [];
      for (const asset of r.assetKeys) {
        const row = cells.get(asset) ?? new Map<string, string>();
        cells.set(asset, row);
        for (const p of keys) {
          partitions.add(p);
          row.set(p, r.status);
        }
      }
    }
    const order = [...partitions].sort();
    return {
      backfillId,
      workflowId,
      location: owner?.location ?? null,
      url: workflowId ? this.link(temporal, workflowId) : null,
      progress,
      allowActions: this.sources.allowActions,
      partitions: order,
      assets: [...cells.entries()].map(([assetKey, row]) => ({ assetKey, cells: order.map((p) => row.get(p) ?? null) })),
      runs: runs.length,
    };
  }

  private async backfillAction(backfillId: string, action: string) {
    const handle = (await this.sources.temporal()).stratum.backfill(backfillId);
    if (action === 'pause') await handle.pause();
    else if (action === 'resume') await handle.resume();
    else if (action === 'cancel') await handle.cancel();
    else throw new UiRequestError(`Unknown backfill action "${action}": use pause, resume or cancel.`, 404);
    return { ok: true };
  }

  /** Each location's schedules (with its next and recent ticks). */
  private async schedules() {
    const temporal = await this.sources.temporal();
    const schedules = [];
    for (const l of this.loaded()) {
      if (l.definitions.schedules.length === 0) continue;
      const statuses = await this.stratumOf(temporal, l.name).scheduleStatuses({ next: 5, recent: 5 });
      schedules.push(...statuses.map((s) => ({ ...s, location: l.name, recentRuns: s.recentRuns.map((r) => ({ ...r, url: this.link(temporal, r.workflowId) })) })));
    }
    return { schedules };
  }

  /** Each location's declared sensors with their state. */
  private async sensors() {
    const temporal = await this.sources.temporal();
    const sensors = [];
    for (const l of this.loaded()) {
      const client = this.stratumOf(temporal, l.name);
      for (const sensor of l.definitions.declaredSensors) {
        const state = await client.sensorState(sensor.name).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
        sensors.push({ name: sensor.name, location: l.name, state, cursor: await this.sources.catalog.sensorCursor(sensor.name) });
      }
    }
    return { sensors };
  }

  /** The code locations, as `stratum locations list` shows them: module, task queue, worker status, load error, and what each defines. */
  private async locations() {
    const temporal = await this.temporalOrNull();
    const rows = [];
    for (const l of this.sources.locations()) {
      let worker: 'running' | 'no worker' | 'unknown' = 'unknown';
      if (temporal) worker = await hasPollers(temporal.client, temporal.namespace, l.taskQueue).then((yes) => (yes ? 'running' : 'no worker'), () => 'unknown' as const);
      const defs = l.definitions;
      rows.push({
        name: l.name,
        module: l.module,
        taskQueue: l.taskQueue,
        worker,
        loadError: l.loadError,
        loadedAt: l.loadedAt,
        assets: defs ? [...defs.assetNodes.values()].filter((n) => !n.external).length : null,
        sourceAssets: defs ? [...defs.assetNodes.values()].filter((n) => n.external).map((n) => ({ key: n.key, location: n.external!.location })) : [],
        jobs: defs ? defs.jobs.length : null,
        schedules: defs ? defs.schedules.map((s) => s.name) : [],
        sensors: defs ? defs.declaredSensors.map((s) => s.name) : [],
      });
    }
    return { locations: rows };
  }
}

/**
 * A backfill's progress: its result once closed (a query would need a worker on its task queue,
 * gone when the CLI ran it), else the progress query, given a few seconds.
 */
async function backfillProgress(backfill: BackfillHandle): Promise<BackfillProgress> {
  const description = await backfill.handle.describe();
  if (description.status.name === 'COMPLETED') return (await backfill.handle.result()) as BackfillProgress;
  if (description.status.name !== 'RUNNING') throw new UiRequestError(`The backfill's workflow is ${description.status.name.toLowerCase()}.`, 200);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new UiRequestError('No worker answered the progress query within 5 s.', 504)), 5000)));
  try {
    return await Promise.race([backfill.progress(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The partition keys of a range run, by the partitions definition of one of its assets. */
function rangeKeys(resolver: StalenessResolver, assetKey: string | undefined, range: { from: string; to: string }): string[] {
  const node = assetKey ? resolver.definitions.assetNodes.get(assetKey) : undefined;
  if (!node?.partitions) return [range.from, range.to];
  const keys = resolver.allKeys(node) as string[];
  const from = keys.indexOf(range.from);
  const to = keys.indexOf(range.to);
  return from >= 0 && to >= from ? keys.slice(from, to + 1) : [range.from, range.to];
}
