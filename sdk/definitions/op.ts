import { z } from 'zod';
import { validateName } from './asset-key';
import { validateStepOptions } from './asset';
import { InvalidConfigSchemaError } from '../errors';
import type { OpContext } from './op-context';
import type { ResourceRequirements, ResourceValueRequirements, ResourceValues } from './resource';
import type { ConfigOf, MaybePromise, StepOptions } from './step-options';

/** Options of {@link op}. */
export interface OpOptions<
  TIns extends Record<string, z.ZodType>,
  TConfig extends z.ZodType | undefined,
  TResources extends ResourceRequirements | undefined,
  TOut,
  TName extends string = string,
> extends StepOptions<TConfig, TResources> {
  /** The op's name; a node in a graph is named after it unless aliased (and job config is keyed by it). */
  name: TName;
  /** Inputs by name, each with a zod schema the loaded value is checked against. */
  ins?: TIns;
  /** Zod schema the returned value must satisfy. */
  output?: z.ZodType<TOut, any>;
  /** Key of the IO manager that stores the op's output. Default `default`. */
  ioManager?: string;
}

/** The typed input values of an op. */
export type OpInputValues<TIns extends Record<string, z.ZodType>> = { readonly [K in keyof TIns]: z.output<TIns[K]> };

/**
 * A unit of computation composed into graphs and jobs (Dagster's `@op`). Create it with {@link op}.
 * Its type carries its name, config schema and resources, so a job built from it types its run
 * config (`z.input` of the schema, keyed by node name) and its resource requirements.
 */
export class OpDefinition<
  TIns extends Record<string, z.ZodType> = Record<string, z.ZodType>,
  TOut = unknown,
  TName extends string = string,
  TConfig extends z.ZodType | undefined = z.ZodType | undefined,
  TRequired = Record<never, never>,
> {
  readonly kind = 'op' as const;
  declare readonly _ins?: TIns;
  declare readonly _value?: TOut;
  /** Type-only: the config schema. */
  declare readonly _config?: TConfig;
  /** Type-only: the resources it requires, by key and value type. */
  declare readonly _requiredResources?: TRequired;

  constructor(
    readonly options: OpOptions<TIns, any, any, TOut, TName>,
    readonly fn: (inputs: any, ctx: OpContext<any, any>) => MaybePromise<TOut>,
  ) {
    validateName(options.name, 'op');
    validateStepOptions(`op "${options.name}"`, options);
    for (const [name, schema] of Object.entries(options.ins ?? {})) {
      if (!(schema instanceof z.ZodType)) {
        throw new InvalidConfigSchemaError(`op "${options.name}" (input "${name}")`, 'each input needs a zod schema, e.g. ins: { rows: z.array(Row) } (z.custom<T>() accepts anything typed T)');
      }
    }
  }

  get name(): TName {
    return this.options.name;
  }
}

/**
 * Defines an op. Its inputs are declared with zod schemas and wired to other ops' outputs in a
 * {@link graph}.
 *
 * @example
 * const clean = op({ name: 'clean', ins: { rows: z.array(RawRow) } }, ({ rows }) => rows.filter(isValid));
 */
export function op<
  TOut,
  const TIns extends Record<string, z.ZodType> = Record<never, never>,
  TConfig extends z.ZodType | undefined = undefined,
  TResources extends ResourceRequirements | undefined = undefined,
  TName extends string = string,
>(
  options: OpOptions<TIns, TConfig, TResources, TOut, TName>,
  fn: (inputs: OpInputValues<TIns>, ctx: OpContext<ConfigOf<TConfig>, ResourceValues<TResources>>) => MaybePromise<TOut>,
): OpDefinition<TIns, Awaited<TOut>, TName, TConfig, ResourceValueRequirements<TResources>> {
  return new OpDefinition(options as any, fn as any) as any;
}
