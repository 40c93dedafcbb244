import type { z } from 'zod';
import { AssetDefinition } from './asset';
import type { AssetCheckDefinition } from './checks/asset-check';
import { indexAssetChecks } from './checks/asset-check-index';
import { isAssetInput, type AssetInputSpec, type AssetRef } from './asset-ref';
import { DirectedGraph } from './asset-graph';
import { durationToMs } from './duration';
import {
  AssetCycleError,
  DuplicateKeyError,
  InvalidConfigSchemaError,
  InvalidDefinitionError,
  MissingUpstreamError,
  UnknownResourceError,
} from '../errors/errors';
import { GraphAssetDefinition } from './graph-asset';
import { ObservableSourceAssetDefinition, observableSourceNode, observableSourceStep } from './observable-source-asset';
import type { GraphDefinition } from './graph';
import { DEFAULT_IO_MANAGER_KEY, type IOManager } from './io/io-manager';
import { filesystemIOManager } from './io/filesystem-io-manager';
import { AssetJobDefinition, JobDefinition, type AnyJobDefinition } from './job';
import { MultiAssetDefinition } from './multi-asset';
import { defaultMappingFor, PartitionMappingError, type PartitionMapping } from '../partitions';
import type { ResourceDefinition } from './resource';
import { resolveRetryPolicy } from './retry-policy';
import { resolveSchedules, type ResolvedSchedule } from '../automation/schedules/resolved-schedule';
import type { ScheduleDefinition } from '../automation/schedules/schedule';
import type { AnySensorDefinition } from '../automation/sensors/sensor-definition';
import { eagerAutomationSensors } from '../automation/sensors/eager-automation';
import type { AssetNode, StepInputSource, StepSpec } from './step-spec';
import type { StepOptions } from './step-options';
import { suggestSimilar } from '../errors/suggest';
import { zodProblems } from '../errors/zod-problems';

/** Anything that defines assets. */
export type AnyAssetDefinition = AssetDefinition<any> | MultiAssetDefinition<any> | GraphAssetDefinition<any> | ObservableSourceAssetDefinition;

/** Options of {@link Definitions}. */
export interface DefinitionsOptions {
  assets?: readonly AnyAssetDefinition[];
  jobs?: readonly AnyJobDefinition[];
  /** Resource implementations by key. */
  resources?: Record<string, ResourceDefinition<any>>;
  /** IO managers by key; `default` is the filesystem one unless given. */
  ioManagers?: Record<string, IOManager>;
  /** Steps in flight at once for ad-hoc materializations. Default 16. */
  maxConcurrent?: number;
  /** Schedules (`schedule()`): one Temporal Schedule each, kept in line with the code by `stratum deploy`. */
  schedules?: readonly ScheduleDefinition[];
  /** Sensors (`sensor()`, `assetSensor()`, `runStatusSensor()`): one long-running workflow each, `stratum/sensor/<name>`. */
  sensors?: readonly AnySensorDefinition[];
  /** Checks of the assets (`assetCheck`, `rowCountCheck`, `freshnessCheck`); each runs after its asset's step. */
  assetChecks?: readonly AssetCheckDefinition<any>[];
}

const DEFAULT_TIMEOUT = '1h';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

/**
 * Everything a code location defines, collected explicitly (Dagster's `Definitions`): the default
 * export of a `defs.ts`. Validated when built: duplicate keys (all listed), missing upstream
 * assets, cycles (named), unknown resources and IO managers, job config failing its schemas.
 *
 * @example
 * export default new Definitions({ assets: [orders, revenue], jobs: [daily], resources: { warehouse } });
 */
export class Definitions {
  readonly assets: readonly AnyAssetDefinition[];
  readonly jobs: readonly AnyJobDefinition[];
  readonly resources: Readonly<Record<string, ResourceDefinition<any>>>;
  readonly ioManagers: Readonly<Record<string, IOManager>>;
  readonly maxConcurrent: number;
  readonly schedules: readonly ScheduleDefinition[];
  /** Every sensor, each checked against these definitions (unique names, targets exist). */
  readonly sensors: readonly AnySensorDefinition[];
  /** Every schedule by name, checked against these definitions (target, config, partitions, cadence). */
  readonly resolvedSchedules: ReadonlyMap<string, ResolvedSchedule>;
  /** Every asset by key. */
  readonly assetNodes: ReadonlyMap<string, AssetNode>;
  /** Every executable step by key (= activity type). */
  readonly steps: ReadonlyMap<string, StepSpec>;
  /** Assets as a graph: edge from upstream to downstream (self-dependencies through a mapping left out). */
  readonly assetGraph: DirectedGraph;
  /** Every asset check by step key (`<asset key>:check:<name>`, also its activity type). */
  readonly assetChecks: ReadonlyMap<string, AssetCheckDefinition<any>>;

  constructor(readonly options: DefinitionsOptions) {
    this.assets = [...(options.assets ?? [])];
    this.jobs = [...(options.jobs ?? [])];
    this.resources = { ...(options.resources ?? {}) };
    this.ioManagers = { [DEFAULT_IO_MANAGER_KEY]: filesystemIOManager(), ...(options.ioManagers ?? {}) };
    this.maxConcurrent = options.maxConcurrent ?? 16;
    this.checkKinds();
    const nodes = new Map<string, AssetNode>();
    const steps = new Map<string, StepSpec>();
    const owners = new Map<string, string[]>();
    const claim = (key: string, owner: string) => owners.set(key, [...(owners.get(key) ?? []), owner]);

    for (const definition of this.assets) {
      for (const node of assetNodesOf(definition)) {
        claim(node.key, node.definedBy);
        nodes.set(node.key, node);
      }
      for (const step of stepsOfAsset(definition)) {
        if (!(definition instanceof AssetDefinition || definition instanceof ObservableSourceAssetDefinition) || step.key !== definition.assetKey) claim(step.key, step.owner);
        steps.set(step.key, step);
      }
    }
    const jobNames = new Map<string, string[]>();
    for (const job of this.jobs) {
      jobNames.set(job.name, [...(jobNames.get(job.name) ?? []), `job "${job.name}"`]);
      if (job instanceof JobDefinition) {
        for (const step of stepsOfGraph(job.options.graph, { job: job.name, keyOf: (node) => `${job.name}.${node}`, assetKey: null })) {
          applyJobDefaults(step, job);
          claim(step.key, step.owner);
          steps.set(step.key, step);
        }
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
    this.sensors = [...(options.sensors ?? []), ...eagerAutomationSensors(this)];
    this.checkSensors();
    // Last: checking a schedule plans its run, and the planner reads the sensors.
    this.schedules = [...(options.schedules ?? [])];
    this.resolvedSchedules = resolveSchedules(this, this.schedules);
  }

  /** The asset with `key`, or undefined. */
  asset(key: string): AssetNode | undefined {
    return this.assetNodes.get(key);
  }

  /** The checks of an asset, in definition order. */
  checksOf(assetKey: string): AssetCheckDefinition<any>[] {
    return [...this.assetChecks.values()].filter((c) => c.assetKey === assetKey);
  }

  /** The schedule named `name` (checked against these definitions), or undefined. */
  schedule(name: string): ResolvedSchedule | undefined {
    return this.resolvedSchedules.get(name);
  }

  /** The sensor named `name`, or undefined. */
  sensor(name: string): AnySensorDefinition | undefined {
    return this.sensors.find((s) => s.name === name);
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
  withOverrides(overrides: { resources?: Record<string, ResourceDefinition<any>>; ioManagers?: Record<string, IOManager> }): Definitions {
    return new Definitions({
      ...this.options,
      resources: { ...this.resources, ...(overrides.resources ?? {}) },
      ioManagers: { ...this.ioManagers, ...(overrides.ioManagers ?? {}) },
    });
  }

  /** Sensor names are unique (they are workflow ids); each sensor's target and watched assets exist. */
  private checkSensors(): void {
    const byName = new Map<string, string[]>();
    this.sensors.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.evaluate !== 'function' || typeof s.validate !== 'function') {
        throw new InvalidDefinitionError(`Definitions sensors[${i}] is not a sensor; pass values made with sensor(), assetSensor() or runStatusSensor().`);
      }
      byName.set(s.name, [...(byName.get(s.name) ?? []), `${s.kind === 'sensor' ? '' : `${s.kind} `}sensor "${s.name}"`]);
    });
    const collisions = [...byName].filter(([, by]) => by.length > 1).map(([key, definedBy]) => ({ key, definedBy }));
    if (collisions.length > 0) throw new DuplicateKeyError(collisions);
    for (const s of this.sensors) s.validate(this);
  }

  private checkKinds(): void {
    this.assets.forEach((a, i) => {
      if (!(a instanceof AssetDefinition || a instanceof MultiAssetDefinition || a instanceof GraphAssetDefinition || a instanceof ObservableSourceAssetDefinition)) {
        throw new InvalidDefinitionError(`Definitions assets[${i}] is not an asset; pass values made with asset(), multiAsset(), graphAsset() or observableSourceAsset().`);
      }
    });
    this.jobs.forEach((j, i) => {
      if (!(j instanceof JobDefinition || j instanceof AssetJobDefinition)) {
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
      const stepKeyOf = (name: string) => (job instanceof JobDefinition ? `${job.name}.${name}` : name);
      const problems: { path: string; message: string }[] = [];
      for (const [name, value] of Object.entries(config)) {
        const step = this.steps.get(stepKeyOf(name));
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

function mappingOf(spec: AssetInputSpec): PartitionMapping | null {
  return isAssetInput(spec) ? spec.mapping : null;
}

function refOf(spec: AssetInputSpec): AssetRef<any> {
  return isAssetInput(spec) ? spec.asset : (spec as AssetRef<any>);
}

/** The upstream edges of an asset's `ins`. */
function upstreamOfIns(ins: Record<string, AssetInputSpec> | undefined): AssetNode['upstream'] {
  return Object.entries(ins ?? {}).map(([input, spec]) => ({ assetKey: refOf(spec).assetKey, input, mapping: mappingOf(spec) }));
}

/** The step inputs of an asset's `ins`: stored asset values read through their mappings. */
function stepInputsOfIns(ins: Record<string, AssetInputSpec> | undefined): Record<string, StepInputSource> {
  return Object.fromEntries(upstreamOfIns(ins).map((up) => [up.input!, { kind: 'asset', assetKey: up.assetKey, mapping: up.mapping } satisfies StepInputSource]));
}

function depsOf(deps: readonly unknown[] | undefined): { assetKey: string; mapping: PartitionMapping | null }[] {
  return (deps ?? []).map((dep) => {
    if (typeof dep === 'string') return { assetKey: dep, mapping: null };
    const withMapping = dep as { asset?: AssetRef | string; mapping?: PartitionMapping; assetKey?: string };
    if (withMapping.asset !== undefined) {
      const target = withMapping.asset;
      return { assetKey: typeof target === 'string' ? target : target.assetKey, mapping: withMapping.mapping ?? null };
    }
    return { assetKey: (dep as AssetRef).assetKey, mapping: null };
  });
}

function executionOf(owner: string, options: StepOptions<any, any>) {
  return {
    retry: resolveRetryPolicy(options.retry, owner),
    timeoutMs: durationToMs(options.timeout ?? DEFAULT_TIMEOUT, `${owner}: timeout`),
    heartbeatTimeoutMs: durationToMs(options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT, `${owner}: heartbeatTimeout`),
    configSchema: options.config as z.ZodType | undefined,
    resources: { ...((options.resources ?? {}) as Record<string, ResourceDefinition<any>>) },
    description: options.description ?? null,
  };
}

function assetNodesOf(definition: AnyAssetDefinition): AssetNode[] {
  if (definition instanceof ObservableSourceAssetDefinition) return [observableSourceNode(definition)];
  if (definition instanceof AssetDefinition) {
    const o = definition.options;
    return [
      {
        key: definition.assetKey,
        stepKey: definition.assetKey,
        stepKeys: [definition.assetKey],
        group: definition.group,
        owners: [...(o.owners ?? [])],
        tags: { ...(o.tags ?? {}) },
        description: o.description ?? null,
        metadata: { ...(o.metadata ?? {}) },
        codeVersion: o.codeVersion ?? null,
        partitions: definition.partitions,
        backfillPolicy: o.backfillPolicy ?? null,
        upstream: [
          ...upstreamOfIns(o.ins),
          ...depsOf(o.deps).map((d) => ({ ...d, input: null })),
        ],
        ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY,
        definedBy: `asset "${definition.assetKey}"`,
      },
    ];
  }
  if (definition instanceof MultiAssetDefinition) {
    const o = definition.options;
    const upstream = [
      ...upstreamOfIns(o.ins),
      ...depsOf(o.deps).map((d) => ({ ...d, input: null })),
    ];
    return Object.entries(o.outs).map(([name, out]) => ({
      key: definition.outputKeys[name]!,
      stepKey: definition.stepKey,
      stepKeys: [definition.stepKey],
      group: out.group ?? o.group ?? 'default',
      owners: [...(out.owners ?? [])],
      tags: { ...(o.tags ?? {}), ...(out.tags ?? {}) },
      description: out.description ?? o.description ?? null,
      metadata: { ...(out.metadata ?? {}) },
      codeVersion: out.codeVersion ?? o.codeVersion ?? null,
      partitions: definition.partitions,
      backfillPolicy: o.backfillPolicy ?? null,
      upstream,
      ioManager: out.ioManager ?? DEFAULT_IO_MANAGER_KEY,
      definedBy: `multi-asset "${definition.stepKey}" (output "${name}")`,
    }));
  }
  const o = definition.options;
  const stepKeys = definition.graph.nodes.map((n) => definition.nodeStepKey(n.name));
  return [
    {
      key: definition.assetKey,
      stepKey: definition.nodeStepKey(definition.graph.outputNode!),
      stepKeys,
      group: o.group ?? 'default',
      owners: [...(o.owners ?? [])],
      tags: { ...(o.tags ?? {}) },
      description: o.description ?? null,
      metadata: { ...(o.metadata ?? {}) },
      codeVersion: o.codeVersion ?? null,
      partitions: definition.partitions,
      backfillPolicy: null,
      upstream: upstreamOfIns(o.ins),
      ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY,
      definedBy: `graph asset "${definition.assetKey}"`,
    },
  ];
}

function stepsOfAsset(definition: AnyAssetDefinition): StepSpec[] {
  if (definition instanceof ObservableSourceAssetDefinition) return [observableSourceStep(definition, executionOf(`observable source asset "${definition.assetKey}"`, definition.options))];
  if (definition instanceof AssetDefinition) {
    const o = definition.options;
    const owner = `asset "${definition.assetKey}"`;
    return [
      {
        key: definition.stepKey,
        kind: 'asset',
        owner,
        assetKeys: [definition.assetKey],
        job: null,
        inputs: stepInputsOfIns(o.ins),
        deps: depsOf(o.deps),
        outputs: [{ name: definition.assetKey, assetKey: definition.assetKey, schema: o.output as z.ZodType | undefined, ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY }],
        ...executionOf(owner, o),
        defaultConfig: undefined,
        resourceOverrides: {},
        partitions: definition.partitions,
        backfillPolicy: o.backfillPolicy ?? null,
        codeVersion: o.codeVersion ?? null,
        fn: definition.fn as StepSpec['fn'],
      },
    ];
  }
  if (definition instanceof MultiAssetDefinition) {
    const o = definition.options;
    const owner = `multi-asset "${definition.stepKey}"`;
    return [
      {
        key: definition.stepKey,
        kind: 'multi-asset',
        owner,
        assetKeys: Object.values(definition.outputKeys),
        job: null,
        inputs: stepInputsOfIns(o.ins),
        deps: depsOf(o.deps),
        outputs: Object.entries(o.outs).map(([name, out]) => ({
          name,
          assetKey: definition.outputKeys[name]!,
          schema: out.output,
          ioManager: out.ioManager ?? DEFAULT_IO_MANAGER_KEY,
        })),
        ...executionOf(owner, o),
        defaultConfig: undefined,
        resourceOverrides: {},
        partitions: definition.partitions,
        backfillPolicy: o.backfillPolicy ?? null,
        codeVersion: o.codeVersion ?? null,
        fn: definition.fn as StepSpec['fn'],
      },
    ];
  }
  const steps = stepsOfGraph(definition.graph, {
    job: null,
    keyOf: (node) => definition.nodeStepKey(node),
    assetKey: definition.assetKey,
    assetIns: definition.options.ins ?? {},
    ioManager: definition.options.ioManager,
  });
  for (const step of steps) {
    step.partitions = definition.partitions;
    step.codeVersion = definition.options.codeVersion ?? null;
  }
  return steps;
}

/** Steps of a graph's nodes; the output node of a graph asset stores the asset. */
function stepsOfGraph(
  graph: GraphDefinition<any>,
  where: { job: string | null; keyOf: (node: string) => string; assetKey: string | null; assetIns?: Record<string, AssetInputSpec>; ioManager?: string },
): StepSpec[] {
  return graph.nodes.map((node) => {
    const o = node.op.options;
    const key = where.keyOf(node.name);
    const owner = where.job !== null ? `op "${node.name}" in job "${where.job}"` : `op "${node.name}" of graph asset "${where.assetKey}"`;
    const storesAsset = where.assetKey !== null && graph.outputNode === node.name;
    const inputs: Record<string, StepInputSource> = {};
    for (const [inputName, source] of Object.entries(node.inputs)) {
      const schema = (o.ins as Record<string, z.ZodType> | undefined)?.[inputName];
      if (source.kind === 'node') inputs[inputName] = { kind: 'step', stepKey: where.keyOf(source.node), schema };
      else {
        const spec = where.assetIns?.[source.input];
        if (!spec) throw new InvalidDefinitionError(`${owner}: graph asset has no input "${source.input}".`);
        inputs[inputName] = { kind: 'asset', assetKey: refOf(spec).assetKey, mapping: mappingOf(spec), schema };
      }
    }
    return {
      key,
      kind: 'op',
      owner,
      assetKeys: storesAsset ? [where.assetKey!] : [],
      job: where.job,
      inputs,
      deps: [],
      outputs: [
        storesAsset
          ? { name: where.assetKey!, assetKey: where.assetKey, schema: o.output as z.ZodType | undefined, ioManager: where.ioManager ?? o.ioManager ?? DEFAULT_IO_MANAGER_KEY }
          : { name: 'result', assetKey: null, schema: o.output as z.ZodType | undefined, ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY },
      ],
      ...executionOf(owner, o),
      defaultConfig: undefined,
      resourceOverrides: {},
      partitions: null,
      backfillPolicy: null,
      codeVersion: null,
      fn: node.op.fn as StepSpec['fn'],
    } satisfies StepSpec;
  });
}

function applyJobDefaults(step: StepSpec, job: JobDefinition): void {
  const node = step.key.slice(job.name.length + 1);
  step.defaultConfig = job.options.config?.[node];
  step.resourceOverrides = { ...(job.options.resources ?? {}) };
}
