import type { z } from 'zod';
import type { GraphNodeTypes } from './graph';

/**
 * Types of run config, derived from the ops' zod schemas: what a job's `config` defaults, a
 * schedule's `config` and a sensor's run requests may carry for an op job whose graph's type knows
 * its nodes (see {@link graph}). Untyped (`Record<string, unknown>`) otherwise: asset jobs (their
 * selection is a string), jobs named by string, graphs whose build function returns nothing.
 */

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Names of the nodes whose op takes config. */
type ConfigurableNodes<TNodes> = { [K in keyof TNodes]: TNodes[K] extends GraphNodeTypes<infer S, any> ? ([S] extends [z.ZodType] ? K : never) : never }[keyof TNodes];

type SchemaOf<TNode> = TNode extends GraphNodeTypes<infer S, any> ? Extract<S, z.ZodType> : never;

/** `T` with the keys `K` made optional (a job default fills them). */
type PartialKeys<T, K> = T extends object ? Simplify<Omit<T, K & keyof T> & Partial<Pick<T, K & keyof T>>> : T;

/** Whether a node's config may be left out of run config: `{}` or `undefined` fits it. */
type MayOmit<T> = Record<never, never> extends T ? true : undefined extends T ? true : false;

/** Config of one node in run config: the op's `z.input`, fields the job defaults made optional. */
type NodeRunConfig<TNodes, K extends keyof TNodes, TDefaults> = K extends keyof TDefaults
  ? PartialKeys<z.input<SchemaOf<TNodes[K]>>, keyof NonNullable<TDefaults[K]>>
  : z.input<SchemaOf<TNodes[K]>>;

/** Whether the type system knows a graph's nodes by name. */
type KnownNodes<TNodes> = string extends keyof TNodes ? false : true;

/**
 * Run config of an op job: one entry per node whose op takes config, keyed by node name, typed
 * `z.input` of its schema (fields with job defaults optional; entries that may be left out optional).
 */
export type RunConfigOfNodes<TNodes, TDefaults = Record<never, never>> =
  KnownNodes<TNodes> extends false
    ? Record<string, unknown>
    : Simplify<
        { [K in ConfigurableNodes<TNodes> as MayOmit<NodeRunConfig<TNodes, K, TDefaults>> extends true ? never : K]: NodeRunConfig<TNodes, K, TDefaults> } & {
          [K in ConfigurableNodes<TNodes> as MayOmit<NodeRunConfig<TNodes, K, TDefaults>> extends true ? K : never]?: NodeRunConfig<TNodes, K, TDefaults>;
        }
      >;

/** A job's default config: per node whose op takes config, any of its fields (`z.input`). */
export type JobDefaultConfigOfNodes<TNodes> =
  KnownNodes<TNodes> extends false
    ? Record<string, unknown>
    : { [K in ConfigurableNodes<TNodes>]?: z.input<SchemaOf<TNodes[K]>> extends infer I ? (I extends object ? Partial<I> : I) : never };

/** Resource value types the nodes of a graph require, by key. */
export type RequiredResourcesOfNodes<TNodes> =
  KnownNodes<TNodes> extends false
    ? Record<never, never>
    : [keyof TNodes] extends [never]
      ? Record<never, never>
      : Simplify<UnionToIntersection<{ [K in keyof TNodes]: TNodes[K] extends GraphNodeTypes<any, infer R> ? R : never }[keyof TNodes]>>;

/**
 * The run config of a job given by reference: typed from its ops' zod schemas for an op job whose
 * graph's type knows its nodes; `Record<string, unknown>` for an asset job or a job name.
 */
export type RunConfigOf<TJob> = TJob extends { readonly _runConfig?: infer C } ? (unknown extends C ? Record<string, unknown> : NonNullable<C>) : Record<string, unknown>;
