import { z } from 'zod';
import { InvalidDefinitionError } from '../errors';
import { ConfigValidationError } from '../errors';
import { zodProblems } from '../errors/zod-problems';

/** Options of {@link resource}. */
export interface ResourceOptions<TValue, TSchema extends z.ZodType | undefined> {
  /** Shape of the resource's config; values come from `env`, then `values`, then defaults. */
  config?: TSchema;
  /** Config fields read from environment variables: `{ url: 'WAREHOUSE_URL' }`. */
  env?: TSchema extends z.ZodType ? Partial<Record<keyof z.input<TSchema> & string, string>> : never;
  /** Builds the value once per worker. */
  build: (config: TSchema extends z.ZodType ? z.output<TSchema> : Record<string, never>) => TValue | Promise<TValue>;
  /** Releases the value when the worker shuts down. (A method, so a resource of a subtype binds where its supertype is required.) */
  teardown?(value: TValue): void | Promise<void>;
  description?: string;
}

/**
 * A resource: a typed dependency (a database client, an API, a warehouse) built once per worker
 * and handed to ops on `ctx.resources`. Assets declare the resources they use by reference, so
 * `ctx.resources.warehouse` is typed; `Definitions` binds each key to an implementation, which is
 * how tests swap in a fake ({@link resourceValue}). The binding is typed by the declaration: its
 * value must fit the declared resource's (`resourceValue(42)` for a `warehouse` does not compile).
 *
 * @example
 * const warehouse = resource({
 *   config: z.object({ dir: z.string().default('./out') }),
 *   env: { dir: 'WAREHOUSE_DIR' },
 *   build: ({ dir }) => new Warehouse(dir),
 * });
 */
export class ResourceDefinition<TValue = unknown> {
  readonly kind = 'resource' as const;
  declare readonly _value?: TValue;

  constructor(
    readonly options: ResourceOptions<TValue, any>,
    /** Explicit config values, over env vars and defaults. */
    readonly values: Record<string, unknown> = {},
  ) {
    if (typeof options?.build !== 'function') {
      throw new InvalidDefinitionError('resource({ build }) needs a build function that returns the resource value.');
    }
    if (options.config !== undefined && !(options.config instanceof z.ZodType)) {
      throw new InvalidDefinitionError('resource({ config }) must be a zod schema.');
    }
  }

  /** The same resource with some config values fixed (they win over environment variables). */
  configured(values: Record<string, unknown>): ResourceDefinition<TValue> {
    return new ResourceDefinition(this.options, { ...this.values, ...values });
  }

  /**
   * Resolves the resource's config from `env`, explicit values and defaults.
   * @throws ConfigValidationError naming the resource key and field.
   */
  resolveConfig(resourceKey: string, env: NodeJS.ProcessEnv): unknown {
    const schema = this.options.config as z.ZodType | undefined;
    if (!schema) return {};
    const fromEnv: Record<string, unknown> = {};
    for (const [field, variable] of Object.entries((this.options.env ?? {}) as Record<string, string>)) {
      const raw = env[variable];
      if (raw !== undefined) fromEnv[field] = coerceEnvValue(raw);
    }
    const result = schema.safeParse({ ...fromEnv, ...this.values });
    if (!result.success) {
      throw new ConfigValidationError(
        zodProblems(result.error).map((p) => {
          const variable = (this.options.env as Record<string, string> | undefined)?.[p.path.split('.')[0] ?? ''];
          return {
            path: `resources.${resourceKey}${p.path ? `.${p.path}` : ''}`,
            message: `${p.message}${variable ? ` (set it with the ${variable} environment variable)` : ''}`,
          };
        }),
      );
    }
    return result.data;
  }
}

/** Environment values are strings; numbers, booleans and JSON are accepted where they parse. */
function coerceEnvValue(raw: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Defines a resource. See {@link ResourceDefinition}. */
export function resource<TValue, TSchema extends z.ZodType | undefined = undefined>(
  options: ResourceOptions<TValue, TSchema>,
): ResourceDefinition<TValue> {
  return new ResourceDefinition<TValue>(options);
}

/**
 * A resource that is a ready-made value: the way tests swap a real resource for a fake.
 *
 * @example
 * new Definitions({ assets, resources: { warehouse: resourceValue(new InMemoryWarehouse()) } })
 */
export function resourceValue<TValue>(value: TValue): ResourceDefinition<TValue> {
  return new ResourceDefinition<TValue>({ build: () => value });
}

/**
 * A resource requirement by value type only: for an asset or op that should not import the
 * implementation. `Definitions` must bind the key to a resource whose value fits `TValue`; the
 * requirement itself never builds.
 *
 * @example
 * const report = asset({ key: 'report', resources: { warehouse: resourceParam<Warehouse>() } }, (_, ctx) => ctx.resources.warehouse.query('...'));
 * new Definitions({ assets: [report], resources: { warehouse: postgresWarehouse } });
 */
export function resourceParam<TValue>(description?: string): ResourceDefinition<TValue> {
  return new ResourceDefinition<TValue>({
    description,
    build: () => {
      throw new InvalidDefinitionError('A resourceParam() is a requirement, not an implementation: bind its key in Definitions({ resources }) to a resource made with resource() or resourceValue().');
    },
  });
}

/** The value type of a resource definition. */
export type ResourceValueOf<R> = R extends ResourceDefinition<infer V> ? V : never;

/** Resources an op declares, by the key it reads them under. */
export type ResourceRequirements = Record<string, ResourceDefinition<any>>;

/** `ctx.resources` for a set of requirements. */
export type ResourceValues<R extends ResourceRequirements | undefined> = R extends ResourceRequirements
  ? { readonly [K in keyof R]: ResourceValueOf<R[K]> }
  : Record<string, never>;

/** The value type each key of a set of requirements asks for (`{ warehouse: Warehouse }`); `{}` for none. */
export type ResourceValueRequirements<R> = [R] extends [ResourceRequirements] ? { [K in keyof R]: ResourceValueOf<R[K]> } : Record<never, never>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The requirements one definition carries in its `_requiredResources` phantom (none if it has none). */
type RequirementsOf<D> = D extends { readonly _requiredResources?: infer R } ? (unknown extends R ? Record<never, never> : NonNullable<R>) : Record<never, never>;

/**
 * Resource value types required by a union of definitions (assets, multi-assets, graph assets,
 * op jobs), by key; several declaring one key require a value fitting all of them.
 */
export type RequiredResourcesOf<D> = [D] extends [never] ? Record<never, never> : Simplify<UnionToIntersection<RequirementsOf<D>>>;

/** Resource bindings for requirements: each required key bound to a resource whose value fits; other keys free. */
export type ResourceBindings<TRequired> = { readonly [K in keyof TRequired]: ResourceDefinition<TRequired[K]> } & Record<string, ResourceDefinition<any>>;

/** Resource overrides for requirements (`Definitions.withOverrides`): any key, each required one bound to a resource whose value fits. */
export type ResourceOverrides<TRequired> = { readonly [K in keyof TRequired]?: ResourceDefinition<TRequired[K]> } & Record<string, ResourceDefinition<any>>;

/**
 * The `resources` option of `Definitions` for definitions requiring `TRequired`: required, and
 * typed by key, when they declare resources; optional otherwise (or when requirements are not
 * known to the type system, e.g. a graph whose build function returns nothing).
 */
export type ResourcesOption<TRequired> = string extends keyof TRequired
  ? { resources?: Record<string, ResourceDefinition<any>> }
  : [keyof TRequired] extends [never]
    ? { resources?: Record<string, ResourceDefinition<any>> }
    : { resources: ResourceBindings<TRequired> };
