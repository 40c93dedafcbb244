import { normalizeAssetKey } from './asset-key';
import type { AssetInputSpec, AssetRef } from './asset-ref';
import { InvalidDefinitionError } from '../errors';
import { GraphBuilder, GraphDefinition, type GraphValue } from './graph';
import type { RequiredResourcesOfNodes } from './run-config';
import type { PartitionsDefinition } from '../partitions';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import { stepsOfGraph, upstreamOfIns, type AssetsDefinition, nodeDescriptionOf } from './step-building';
import type { AssetNode, StepSpec } from './step-spec';

/** Options of {@link graphAsset}. */
export interface GraphAssetOptions<TIns extends Record<string, AssetInputSpec>> {
  key: string | readonly string[];
  keyPrefix?: string | readonly string[];
  /** Upstream assets the graph reads; the builder gets a typed handle on each. */
  ins?: TIns;
  group?: string;
  description?: string;
  owners?: readonly string[];
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  codeVersion?: string;
  ioManager?: string;
  partitions?: PartitionsDefinition;
}

type GraphInputs<TIns> = { [K in keyof TIns]: GraphValue<TIns[K] extends AssetRef<infer T> ? T : unknown> };

/** An asset computed by a graph of ops; the graph's returned output is the asset's value. */
export class GraphAssetDefinition<TOut = unknown, TRequired = Record<never, never>> implements AssetRef<TOut>, AssetsDefinition {
  readonly kind = 'graph-asset' as const;
  /** Type-only: the resources its ops require, by key and value type, which `Definitions` must bind. */
  declare readonly _requiredResources?: TRequired;
  declare readonly _value?: TOut;
  readonly assetKey: string;
  readonly partitions: PartitionsDefinition | null;
  readonly graph: GraphDefinition<TOut>;

  constructor(
    readonly options: GraphAssetOptions<Record<string, AssetInputSpec>>,
    build: (g: GraphBuilder, inputs: Record<string, GraphValue>) => GraphValue<TOut>,
  ) {
    this.assetKey = normalizeAssetKey(options.key, options.keyPrefix);
    this.partitions = options.partitions ?? null;
    const inputs: Record<string, GraphValue> = {};
    for (const name of Object.keys(options.ins ?? {})) inputs[name] = { source: { kind: 'asset', input: name } };
    this.graph = new GraphDefinition<TOut>(this.assetKey.replace(/[/-]/g, '_'), (g) => build(g, inputs));
    if (this.graph.outputNode === null) {
      throw new InvalidDefinitionError(`graph asset "${this.assetKey}" must return the output of the node that computes the asset: return g.add(lastOp, ...).`);
    }
  }

  /** Step key of one node: `<asset key>.<node>`. */
  nodeStepKey(node: string): string {
    return `${this.assetKey}.${node}`;
  }

  /** Its one node, materialized by the steps of every op of the graph. */
  buildNodes(): AssetNode[] {
    const o = this.options;
    return [
      {
        key: this.assetKey,
        stepKey: this.nodeStepKey(this.graph.outputNode!),
        stepKeys: this.graph.nodes.map((n) => this.nodeStepKey(n.name)),
        ...nodeDescriptionOf(o),
        partitions: this.partitions,
        backfillPolicy: null,
        upstream: upstreamOfIns(o.ins),
        ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY,
        definedBy: `graph asset "${this.assetKey}"`,
      },
    ];
  }

  /** One step per op of the graph (`<asset key>.<node>`); the output node's step stores the asset. */
  buildSteps(): StepSpec[] {
    const steps = stepsOfGraph(this.graph, {
      job: null,
      keyOf: (node) => this.nodeStepKey(node),
      assetKey: this.assetKey,
      assetIns: this.options.ins ?? {},
      ioManager: this.options.ioManager,
    });
    for (const step of steps) {
      step.partitions = this.partitions;
      step.codeVersion = this.options.codeVersion ?? null;
    }
    return steps;
  }
}

/**
 * Defines an asset computed by several ops (Dagster's `@graph_asset`), each its own step.
 *
 * @example
 * const report = graphAsset({ key: 'report', ins: { orders } }, (g, { orders }) => {
 *   const table = g.add(tabulate, { rows: orders });
 *   return g.add(render, { table });
 * });
 */
export function graphAsset<TOut, const TIns extends Record<string, AssetInputSpec> = Record<never, never>, TNodes = Record<never, never>>(
  options: GraphAssetOptions<TIns>,
  build: (g: GraphBuilder, inputs: GraphInputs<TIns>) => GraphValue<TOut, TNodes>,
): GraphAssetDefinition<TOut, RequiredResourcesOfNodes<TNodes>> {
  return new GraphAssetDefinition<TOut, RequiredResourcesOfNodes<TNodes>>(options as any, build as any);
}
