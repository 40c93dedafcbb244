import type { z } from 'zod';
import { validateName } from './asset-key';
import { DuplicateKeyError, InvalidDefinitionError } from '../errors';
import type { OpDefinition } from './op';

/** Where a node input comes from: another node's output, or an asset input of a graph-backed asset. */
export type NodeInputSource = { kind: 'node'; node: string } | { kind: 'asset'; input: string };

/** A typed handle on a value inside a graph: a node's output or a graph asset's input. */
export interface GraphValue<T = unknown> {
  readonly source: NodeInputSource;
  /** Phantom: the value's type. */
  readonly _value?: T;
}

/** One invocation of an op inside a graph. */
export interface GraphNode {
  /** Unique within the graph: the op name or its alias. */
  readonly name: string;
  readonly op: OpDefinition<any, any>;
  readonly inputs: Readonly<Record<string, NodeInputSource>>;
}

type NodeInputs<TIns extends Record<string, z.ZodType>> = { [K in keyof TIns]: GraphValue<z.output<TIns[K]>> };

/** Builds a graph by calling ops on each other's outputs; see {@link graph}. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];

  /**
   * Adds a node running `op`, fed by `inputs` (other nodes' outputs); returns its output.
   * `options.alias` names the node when the same op appears twice.
   */
  add<TIns extends Record<string, z.ZodType>, TOut>(
    op: OpDefinition<TIns, TOut>,
    ...args: keyof TIns extends never
      ? [inputs?: Record<string, never>, options?: { alias?: string }]
      : [inputs: NodeInputs<TIns>, options?: { alias?: string }]
  ): GraphValue<TOut> {
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

/** Ops wired together by data dependencies (Dagster's `@graph`). Create it with {@link graph}. */
export class GraphDefinition<TOut = unknown> {
  readonly kind = 'graph' as const;
  declare readonly _value?: TOut;
  readonly nodes: readonly GraphNode[];
  /** The node whose output is the graph's output (used by graph-backed assets), if any. */
  readonly outputNode: string | null;

  constructor(
    readonly name: string,
    build: (g: GraphBuilder) => GraphValue<TOut> | void,
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
 * wiring an output into an input of the wrong type does not compile.
 *
 * @example
 * const etl = graph('etl', (g) => {
 *   const rows = g.add(extract);
 *   const cleaned = g.add(clean, { rows });
 *   return g.add(summarize, { rows: cleaned });
 * });
 */
export function graph<TOut = unknown>(name: string, build: (g: GraphBuilder) => GraphValue<TOut> | void): GraphDefinition<TOut> {
  return new GraphDefinition(name, build);
}
