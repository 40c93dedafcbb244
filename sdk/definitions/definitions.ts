import type { AssetDefinition } from './asset';
import type { AssetCheckDefinition } from './checks/asset-check';
import { indexAssetChecks } from './checks/asset-check-index';
import { DirectedGraph } from './asset-graph';
import {
  AssetCycleError,
  DuplicateKeyError,
  InvalidConfigSchemaError,
  InvalidDefinitionError,
  InvalidScheduleError,
  MissingUpstreamError,
  UnknownResourceError,
} from '../errors';
import type { GraphAssetDefinition } from './graph-asset';
import type { ObservableSourceAssetDefinition } from './observable-source-asset';
import type { SourceAssetDefinition } from './source-asset';
import { assignLocation, locationOf } from './location';
import { DEFAULT_IO_MANAGER_KEY, type IOManager } from './io/io-manager';
import { filesystemIOManager } from './io/filesystem-io-manager';
import type { AnyJobDefinition } from './job';
import type { MultiAssetDefinition } from './multi-asset';
import { defaultMappingFor, PartitionMappingError, type PartitionMapping } from '../partitions';
import type { RequiredResourcesOf, ResourceDefinition, ResourceOverrides, ResourcesOption } from './resource';
import type { ScheduleDefinition } from '../automation/schedules/schedule';
import type { AnySensorDefinition } from '../automation/sensors/sensor-definition';
import { isAssetsDefinition, isJobStepsDefinition } from './step-building';
import { validateExecutionMode, type StepExecutionMode } from './execution-mode';
import type { AssetNode, StepSpec } from './step-spec';
import { suggestSimilar } from '../errors/suggest';
import { zodProblems } from '../errors/zod-problems';

/** Anything that defines assets. */
export type AnyAssetDefinition = AssetDefinition<any> | MultiAssetDefinition<any> | GraphAssetDefinition<any> | ObservableSourceAssetDefinition | SourceAssetDefinition<any, any>;

/** Options of {@link Definitions} shared by every code location; see {@link DefinitionsOptions}. */
export interface DefinitionsOptionsBase<TAssets extends readonly AnyAssetDefinition[] = readonly AnyAssetDefinition[], TJobs extends readonly AnyJobDefinition[] = readonly AnyJobDefinition[]> {
  assets?: TAssets;
  jobs?: TJobs;
  /**
   * Resource implementations by key. Every key the assets and ops declare must be bound (by
   * reference: to a resource whose value type fits the declared one); other keys are free.
   */
  resources?: Record<string, ResourceDefinition<any>>;
  /** IO managers by key; `default` is the filesystem one unless given. */
  ioManagers?: Record<string, IOManager>;
  /** Steps in flight at once for ad-hoc materializations. Default 16. */
  maxConcurrent?: number;
  /**
   * How steps run unless the step, its job or the run request says otherwise: `'activity'`
   * (default) or `'local'` (Temporal local activities: a few ms per step for short steps; see
   * {@link StepExecutionMode}).
   */
  executionMode?: StepExecutionMode;
  /** Schedules (`schedule()`): one Temporal Schedule each, kept in line with the code by `stratum deploy`. */
  schedules?: readonly ScheduleDefinition[];
  /** Sensors (`sensor()`, `assetSensor()`, `runStatusSensor()`): one long-running workflow each, `stratum/sensor/<name>`. */
  sensors?: readonly AnySensorDefinition[];
  /** Checks of the assets (`assetCheck`, `rowCountCheck`, `freshnessCheck`); each runs after its asset's step. */
  assetChecks?: readonly AssetCheckDefinition<any>[];
}

/** The resources the given assets and jobs require, by key and value type (`{ warehouse: Warehouse }`). */
export type RequiredResources<TAssets extends readonly AnyAssetDefinition[], TJobs extends readonly AnyJobDefinition[]> = RequiredResourcesOf<TAssets[number] | TJobs[number]>;

/**
 * Options of {@link Definitions}: `resources` is required, and typed by key, when the assets or
 * ops declare resources, so binding `resourceValue(42)` where a `warehouse` is declared does not compile.
 */
export type DefinitionsOptions<TAssets extends readonly AnyAssetDefinition[] = readonly AnyAssetDefinition[], TJobs extends readonly AnyJobDefinition[] = readonly AnyJobDefinition[]> =
  DefinitionsOptionsBase<TAssets, TJobs> & NoInfer<ResourcesOption<RequiredResources<TAssets, TJobs>>>;

/**
 * Everything a code location defines, collected explicitly (Dagster's `Definitions`): the default
 * export of a `defs.ts`. Validated when built: duplicate keys (all listed), missing upstream
 * assets, cycles (named), unknown resources and IO managers, job config failing its schemas,
 * sensors' targets. Each definition builds its own asset nodes and steps; this class collects
 * them. What needs a plan (each schedule's target, config and partitions) is checked by
 * `validateDefinitions` (sdk/planning), which the CLI and `createWorker` run on load.
 *
 * @example
 * export default new Definitions({ assets: [orders, revenue], jobs: [daily], resources: { warehouse } });
 */
export class Definitions<TAssets extends readonly AnyAssetDefinition[] = readonly AnyAssetDefinition[], TJobs extends readonly AnyJobDefinition[] = readonly AnyJobDefinition[]> {
  readonly assets: readonly AnyAssetDefinition[];
  readonly jobs: readonly AnyJobDefinition[];
  readonly resources: Readonly<Record<string, ResourceDefinition<any>>>;
  readonly ioManagers: Readonly<Record<string, IOManager>>;
  readonly maxConcurrent: number;
  /** The default execution mode of runs (`'activity'` unless `executionMode` says otherwise). */
  readonly executionMode: StepExecutionMode;
  /** The schedules given (unique names); `resolveSchedules` in sdk/planning checks them against these definitions. */
  readonly schedules: readonly ScheduleDefinition[];
  /**
   * The sensors given, each checked against these definitions (unique names, targets exist).
   * The code location's full list, with the built-in eager automation sensor, is `sensorsOf(defs)` (sdk/automation).
   */
  readonly declaredSensors: readonly AnySensorDefinition[];
  /** Keys of the assets declared with `automation: 'eager'` (run by the built-in eager automation sensor). */
  readonly eagerAssetKeys: readonly string[];
  /** Every asset by key. */
  readonly assetNodes: ReadonlyMap<string, AssetNode>;
  /** Every executable step by key (= activity type). */
  readonly steps: ReadonlyMap<string, StepSpec>;
  /** Assets as a graph: edge from upstream to downstream (self-dependencies through a mapping left out). */
  readonly assetGraph: DirectedGraph;
  /** Every asset check by step key (`<asset key>:check:<name>`, also its activity type). */
  readonly assetChecks: ReadonlyMap<string, AssetCheckDefinition<any>>;

  constructor(readonly options: DefinitionsOptions<TAssets, TJobs>) {
    this.assets = [...(options.assets ?? [])];
    this.jobs = [...(options.jobs ?? [])];
    this.resources = { ...(options.resources ?? {}) };
    this.ioManagers = { [DEFAULT_IO_MANAGER_KEY]: filesystemIOManager(), ...(options.ioManagers ?? {}) };
    this.maxConcurrent = options.maxConcurrent ?? 16;
    this.executionMode = validateExecutionMode(options.executionMode, 'Definitions', 'definition') ?? 'activity';
    this.checkKinds();
    const nodes = new Map<string, AssetNode>();
    const steps = new Map<string, StepSpec>();
    const owners = new Map<string, string[]>();
    const claim = (key: string, owner: string) => owners.set(key, [...(owners.get(key) ?? []), owner]);

    for (const definition of this.assets) {
      const built = definition.buildNodes();
      for (const node of built) {
        claim(node.key, node.definedBy);
        nodes.set(node.key, node);
      }
      // A step keyed like one of its own assets (an asset's step) is one claim, not two.
      const ownKeys = new Set(built.map((n) => n.key));
      for (const step of definition.buildSteps()) {
        if (!ownKeys.has(step.key)) claim(step.key, step.owner);
        steps.set(step.key, step);
      }
    }
    const jobNames = new Map<string, string[]>();
    for (const job of this.jobs) {
      jobNames.set(job.name, [...(jobNames.get(job.name) ?? []), `job "${job.name}"`]);
      for (const step of job.buildSteps()) {
        claim(step.key, step.owner);
        steps.set(step.key, step);
      }
    }
    const collisions = [...owners, ...jobNames]
      .filter(([, by]) => by.length > 1)
      .map(([key, definedBy]) => ({ key, definedBy }));
    if (collisions.length > 0) throw new DuplicateKeyError(collisions);

    this.assetNodes = nodes;
    this.steps = steps;
    this.assetGraph = this.buildAssetGraph();
    this.assetChecks = indexAssetChecks(options.assetChecks ?? [], nodes, this.resources);
    this.checkResources();
    this.checkJobs();
    this.eagerAssetKeys = this.assets.filter((a) => a.kind === 'asset' && a.options.automation === 'eager').map((a) => (a as AssetDefinition<any>).assetKey);
    this.checkEagerAssets();
    this.declaredSensors = [...(options.sensors ?? [])];
    this.checkSensors();
    this.schedules = [...(options.schedules ?? [])];
    this.checkScheduleNames();
  }

  /** The asset with `key`, or undefined. */
  asset(key: string): AssetNode | undefined {
    return this.assetNodes.get(key);
  }

  /** The checks of an asset, in definition order. */
  checksOf(assetKey: string): AssetCheckDefinition<any>[] {
    return [...this.assetChecks.values()].filter((c) => c.assetKey === assetKey);
  }

  /** The job named `name`, or undefined. */
  job(name: string): AnyJobDefinition | undefined {
    return this.jobs.find((j) => j.name === name);
  }

  /** The IO manager registered under `key`. */
  ioManager(key: string): IOManager {
    const manager = this.ioManagers[key];
    if (!manager) throw new UnknownResourceError([{ requiredBy: 'a step', resourceKey: key, kind: 'IO manager', suggestions: suggestSimilar(key, Object.keys(this.ioManagers)) }]);
    return manager;
  }

  /**
   * A copy with some resources or IO managers replaced: how tests swap real services for fakes.
   *
   * @example
   * const testDefs = defs.withOverrides({ resources: { warehouse: resourceValue(fake) }, ioManagers: { default: inMemoryIOManager() } });
   */
  withOverrides(overrides: { resources?: ResourceOverrides<RequiredResources<TAssets, TJobs>>; ioManagers?: Record<string, IOManager> }): Definitions {
    const copy = new Definitions<readonly AnyAssetDefinition[], readonly AnyJobDefinition[]>({
      ...this.options,
      resources: { ...this.resources, ...(overrides.resources ?? {}) },
      ioManagers: { ...this.ioManagers, ...(overrides.ioManagers ?? {}) },
    });
    return assignLocation(copy, locationOf(this)); // the copy stays in the same workspace location
  }

  /** Sensor names are unique (they are workflow ids); each sensor's target and watched assets exist. */
  private checkSensors(): void {
    const byName = new Map<string, string[]>();
    this.declaredSensors.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.evaluate !== 'function' || typeof s.validate !== 'function') {
        throw new InvalidDefinitionError(`Definitions sensors[${i}] is not a sensor; pass values made with sensor(), assetSensor() or runStatusSensor().`);
      }
      byName.set(s.name, [...(byName.get(s.name) ?? []), `${s.kind === 'sensor' ? '' : `${s.kind} `}sensor "${s.name}"`]);
    });
    const collisions = [...byName].filter(([, by]) => by.length > 1).map(([key, definedBy]) => ({ key, definedBy }));
    if (collisions.length > 0) throw new DuplicateKeyError(collisions);
    for (const s of this.declaredSensors) s.validate(this);
  }

  /** Schedule names are unique (they are schedule ids); their targets are checked where runs are planned. */
  private checkScheduleNames(): void {
    const counts = new Map<string, number>();
    this.schedules.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.target !== 'object') {
        throw new InvalidScheduleError(`Definitions schedules[${i}]`, 'is not a schedule; pass values made with schedule()');
      }
      counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
    });
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([name]) => `"${name}"`);
    if (duplicates.length > 0) throw new InvalidScheduleError('schedules', `names must be unique, but ${duplicates.join(', ')} ${duplicates.length === 1 ? 'is' : 'are'} used more than once`);
  }

  /** An eager asset must be triggerable: it has upstream assets, and a partitioned one has an upstream partitioned alike. */
  private checkEagerAssets(): void {
    for (const key of this.eagerAssetKeys) {
      const node = this.assetNodes.get(key)!;
      const upstream = node.upstream.filter((up) => up.assetKey !== node.key);
      if (upstream.length === 0) {
        throw new InvalidDefinitionError(`asset "${key}" has automation: 'eager' but no upstream assets, so nothing would ever materialize it. Remove the option, or give it a schedule instead.`);
      }
      const oneToOne = (up: AssetNode['upstream'][number]) => {
        const partitions = this.assetNodes.get(up.assetKey)!.partitions;
        if (partitions === null || node.partitions === null) return false;
        const mapping = up.mapping ?? defaultMappingFor(partitions, node.partitions);
        return mapping.kind === 'identity' && mapping.cardinalityFor({ upstream: partitions, downstream: node.partitions }) === 'one';
      };
      if (node.partitions !== null && !upstream.some(oneToOne)) {
        throw new InvalidDefinitionError(
          `asset "${key}" has automation: 'eager' and is partitioned, but none of its upstream assets has the same partitions (identity mapping), so no upstream materialization says which partition to run. Eager automation needs at least one such upstream; use a schedule or a sensor instead.`,
        );
      }
    }
  }

  private checkKinds(): void {
    this.assets.forEach((a, i) => {
      if (!isAssetsDefinition(a)) {
        throw new InvalidDefinitionError(`Definitions assets[${i}] is not an asset; pass values made with asset(), multiAsset(), graphAsset() or observableSourceAsset().`);
      }
    });
    this.jobs.forEach((j, i) => {
      if (!isJobStepsDefinition(j)) {
        throw new InvalidDefinitionError(`Definitions jobs[${i}] is not a job; pass values made with job() or assetJob().`);
      }
    });
  }

  private buildAssetGraph(): DirectedGraph {
    const graph = new DirectedGraph(this.assetNodes.keys());
    const missing: { assetKey: string; upstreamKey: string }[] = [];
    for (const node of this.assetNodes.values()) {
      for (const up of node.upstream) {
        if (!this.assetNodes.has(up.assetKey)) missing.push({ assetKey: node.key, upstreamKey: up.assetKey });
        else if (up.assetKey === node.key && up.mapping !== null) continue; // reads its own earlier partitions
        else graph.addEdge(up.assetKey, node.key);
      }
    }
    if (missing.length > 0) throw new MissingUpstreamError(missing);
    this.checkPartitionMappings();
    const cycle = graph.findCycle();
    if (cycle) throw new AssetCycleError(cycle);
    return graph;
  }

  /**
   * Every dependency between partitioned assets must have a mapping that fits both ends (the
   * default one when none is named), and a mapping declared to yield one partition must not
   * yield several for these definitions.
   */
  private checkPartitionMappings(): void {
    for (const node of this.assetNodes.values()) {
      for (const up of node.upstream) {
        const upstream = this.assetNodes.get(up.assetKey)!.partitions;
        const defs = { upstream, downstream: node.partitions };
        const what = `${node.definedBy} ${up.input ? `input "${up.input}"` : 'dependency'} on "${up.assetKey}"`;
        let mapping: PartitionMapping;
        try {
          mapping = up.mapping ?? defaultMappingFor(upstream, node.partitions);
          mapping.validateFor(defs);
        } catch (error) {
          throw new PartitionMappingError(`${what}: ${(error as Error).message}`);
        }
        if (up.input && up.mapping && mapping.cardinality === 'one' && mapping.cardinalityFor(defs) === 'many') {
          throw new PartitionMappingError(
            `${what}: ${mapping.describe()} reads several upstream partitions for each partition of "${node.key}", so the input would be a record, not one value. Use a mapping that yields one partition, or one declared to yield many (e.g. timeWindowMapping({ startOffset: -6, endOffset: 0 })).`,
          );
        }
      }
    }
  }

  private checkResources(): void {
    const missing: ConstructorParameters<typeof UnknownResourceError>[0] = [];
    const ioMissing: ConstructorParameters<typeof UnknownResourceError>[0] = [];
    for (const step of this.steps.values()) {
      for (const key of Object.keys(step.resources)) {
        if (!(key in this.resources) && !(key in step.resourceOverrides)) {
          missing.push({ requiredBy: step.owner, resourceKey: key, kind: 'resource', suggestions: suggestSimilar(key, Object.keys(this.resources)) });
        }
      }
      for (const output of step.outputs) {
        if (!(output.ioManager in this.ioManagers)) {
          ioMissing.push({ requiredBy: step.owner, resourceKey: output.ioManager, kind: 'IO manager', suggestions: suggestSimilar(output.ioManager, Object.keys(this.ioManagers)) });
        }
      }
    }
    if (missing.length > 0) throw new UnknownResourceError(missing);
    if (ioMissing.length > 0) throw new UnknownResourceError(ioMissing);
  }

  /** Job-level config must satisfy each op's schema (as far as it goes) when definitions load. */
  private checkJobs(): void {
    for (const job of this.jobs) {
      const config = job.options.config ?? {};
      const problems: { path: string; message: string }[] = [];
      for (const [name, value] of Object.entries(config)) {
        const step = this.steps.get(job.configStepKey(name));
        if (!step) {
          problems.push({ path: `${name}`, message: `job "${job.name}" has no step "${name}"` });
          continue;
        }
        if (!step.configSchema) {
          problems.push({ path: name, message: `${step.owner} takes no config` });
          continue;
        }
        // Partial job defaults are fine: only report fields that are present and wrong.
        const result = step.configSchema.safeParse(value);
        if (!result.success) {
          for (const p of zodProblems(result.error)) {
            const present = p.path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
            if (present !== undefined) problems.push({ path: `${name}.${p.path}`, message: p.message });
          }
        }
      }
      if (problems.length > 0) {
        throw new InvalidConfigSchemaError(`job "${job.name}"`, `its config does not fit its ops' schemas: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      }
    }
  }
}
