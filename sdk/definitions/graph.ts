import type { z } from 'zod';
import { validateName } from './asset-key';
import { DuplicateKeyError, InvalidDefinitionError } from '../errors';
import type { OpDefinition } from './op';

/** Where a node input comes from: another node's output, or an asset input of a graph-backed asset. */
export type NodeInputSource = { kind: 'node'; node: string } | { kind: 'asset'; input: string };

/**
 * A typed handle on a value inside a graph: a node's output or a graph asset's input.
 * `TNodes` is every node it comes from (itself and upstream), so a graph that returns its last
 * node's output types its jobs' config and resources.
 */
export interface GraphValue<T = unknown, TNodes = Record<never, never>> {
  readonly source: NodeInputSource;
  /** Phantom: the value's type. */
  readonly _value?: T;
  /** Phantom: the nodes it comes from, by node name. */
  readonly _nodes?: TNodes;
}

/** What the type system knows of one node of a graph: its op's config schema and required resources. */
export interface GraphNodeTypes<TConfig extends z.ZodType | undefined = z.ZodType | undefined, TRequired = Record<never, never>> {
  config: TConfig;
  resources: TRequired;
}

/** The nodes of a graph the type system does not know (its build function returns nothing): config and resources stay untyped. */
export type UntypedGraphNodes = Record<string, GraphNodeTypes>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The nodes behind a set of node inputs. */
type NodesOf<TInputs> = [keyof TInputs] extends [never]
  ? Record<never, never>
  : UnionToIntersection<{ [K in keyof TInputs]: TInputs[K] extends GraphValue<any, infer N> ? N : never }[keyof TInputs]>;

/** One invocation of an op inside a graph. */
export interface GraphNode {
  /** Unique within the graph: the op name or its alias. */
  readonly name: string;
  readonly op: OpDefinition<any, any, any, any, any>;
  readonly inputs: Readonly<Record<string, NodeInputSource>>;
}

type NodeInputs<TIns extends Record<string, z.ZodType>> = { [K in keyof TIns]: GraphValue<z.output<TIns[K]>, any> };

/** Builds a graph by calling ops on each other's outputs; see {@link graph}. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];

  /**
   * Adds a node running `op`, fed by `inputs` (other nodes' outputs); returns its output.
   * `options.alias` names the node when the same op appears twice.
   */
  add<
    TIns extends Record<string, z.ZodType>,
    TOut,
    TName extends string,
    TConfig extends z.ZodType | undefined,
    TRequired,
    const TInputs extends NodeInputs<TIns> = NodeInputs<TIns>,
    const TAlias extends string = TName,
  >(
    op: OpDefinition<TIns, TOut, TName, TConfig, TRequired>,
    ...args: keyof TIns extends never
      ? [inputs?: Record<string, never>, options?: { alias?: TAlias }]
      : [inputs: TInputs, options?: { alias?: TAlias }]
  ): GraphValue<TOut, NodesOf<TInputs> & { [K in TAlias]: GraphNodeTypes<TConfig, TRequired> }> {
    const [inputs = {}, options = {}] = args as [Record<string, GraphValue> | undefined, { alias?: string } | undefined];
    const name = validateName(options.alias ?? op.name, 'graph node');
    if (this.nodes.some((n) => n.name === name)) {
      throw new DuplicateKeyError([{ key: name, definedBy: [`two nodes in one graph (use g.add(${op.name}, inputs, { alias: '${name}_2' }))`] }]);
    }
    const declared = Object.keys(op.options.ins ?? {});
    const given = Object.keys(inputs);
    const missing = declared.filter((d) => !given.includes(d));
    const extra = given.filter((g) => !declared.includes(g));
    if (missing.length || extra.length) {
      throw new InvalidDefinitionError(
        `Node "${name}" (op "${op.name}") ${missing.length ? `is missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `has unknown input${extra.length > 1 ? 's' : ''} ${extra.join(', ')}` : ''}; op "${op.name}" declares ins: { ${declared.join(', ')} }.`,
      );
    }
    const sources: Record<string, NodeInputSource> = {};
    for (const [inputName, value] of Object.entries(inputs)) {
      if (!value || typeof value !== 'object' || !('source' in value)) {
        throw new InvalidDefinitionError(`Node "${name}": input "${inputName}" must be the output of another node (the value g.add(...) returned).`);
      }
      sources[inputName] = value.source;
    }
    this.nodes.push({ name, op, inputs: sources });
    return { source: { kind: 'node', node: name } };
  }
}

/**
 * Ops wired together by data dependencies (Dagster's `@graph`). Create it with {@link graph}.
 * `TNodes` is what the type system knows of its nodes (from the value the build function returns).
 */
export class GraphDefinition<TOut = unknown, TNodes = UntypedGraphNodes> {
  readonly kind = 'graph' as const;
  declare readonly _value?: TOut;
  /** Type-only: its nodes' config schemas and resources, by node name. */
  declare readonly _nodes?: TNodes;
  readonly nodes: readonly GraphNode[];
  /** The node whose output is the graph's output (used by graph-backed assets), if any. */
  readonly outputNode: string | null;

  constructor(
    readonly name: string,
    build: (g: GraphBuilder) => GraphValue<TOut, any> | void,
  ) {
    validateName(name, 'graph');
    const builder = new GraphBuilder();
    const output = build(builder);
    this.nodes = builder.nodes;
    if (this.nodes.length === 0) throw new InvalidDefinitionError(`graph "${name}" has no nodes; add ops with g.add(op, inputs).`);
    this.outputNode = output && output.source.kind === 'node' ? output.source.node : null;
  }
}

/**
 * Defines a graph of ops. The builder's `add` returns a typed handle on each op's output, so
 * wiring an output into an input of the wrong type does not compile. Return the last node's
 * output and the graph's type knows every node upstream of it: a {@link job} of it then types its
 * config by node name (each op's `z.input`) and its resources. A build function that returns
 * nothing leaves both untyped.
 *
 * @example
 * const etl = graph('etl', (g) => {
 *   const rows = g.add(extract);
 *   const cleaned = g.add(clean, { rows });
 *   return g.add(summarize, { rows: cleaned });
 * });
 */
export function graph<TOut = unknown, TNodes = UntypedGraphNodes>(name: string, build: (g: GraphBuilder) => GraphValue<TOut, TNodes> | void): GraphDefinition<TOut, TNodes> {
  return new GraphDefinition<TOut, TNodes>(name, build);
}
