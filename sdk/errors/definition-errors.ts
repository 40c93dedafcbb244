import { StratumError } from './stratum-error';

/** Definition errors: raised while definitions load (bad keys, cycles, missing upstream, unknown resources, bad schedules). */

/** A problem in the definitions themselves, found while they load. */
export abstract class DefinitionError extends StratumError {}

/** Two or more definitions share a key. Lists every collision. */
export class DuplicateKeyError extends DefinitionError {
  readonly code = 'STRATUM_DUPLICATE_KEY';
  constructor(readonly collisions: { key: string; definedBy: string[] }[]) {
    super(
      `Duplicate keys in Definitions: ${collisions
        .map((c) => `"${c.key}" is defined by ${c.definedBy.join(' and ')}`)
        .join('; ')}. Give each asset, multi-asset, job and op node a unique key (a key prefix such as \`sales/\` is one way).`,
    );
  }
}

/** An asset reads an upstream asset that is not part of the Definitions. */
export class MissingUpstreamError extends DefinitionError {
  readonly code = 'STRATUM_MISSING_UPSTREAM';
  constructor(readonly missing: { assetKey: string; upstreamKey: string }[]) {
    super(
      `Missing upstream assets: ${missing
        .map((m) => `"${m.assetKey}" depends on "${m.upstreamKey}"`)
        .join('; ')}, which ${missing.length === 1 ? 'is' : 'are'} not in Definitions. Add the upstream asset to Definitions({ assets: [...] }), or remove the dependency.`,
    );
  }
}

/** The asset graph has a cycle; the message names it. */
export class AssetCycleError extends DefinitionError {
  readonly code = 'STRATUM_ASSET_CYCLE';
  constructor(readonly cycle: string[]) {
    super(
      `The asset graph has a cycle: ${cycle.join(' -> ')}. Assets must form a DAG; remove one of these dependencies (an asset that reads its own earlier partitions uses a time-window partition mapping instead).`,
    );
  }
}

/** A definition requires a resource (or IO manager) key that Definitions does not provide. */
export class UnknownResourceError extends DefinitionError {
  readonly code = 'STRATUM_UNKNOWN_RESOURCE';
  constructor(readonly missing: { requiredBy: string; resourceKey: string; kind: 'resource' | 'IO manager'; suggestions: string[] }[]) {
    super(
      `Unknown ${missing[0]?.kind ?? 'resource'}s: ${missing
        .map(
          (m) =>
            `${m.requiredBy} requires ${m.kind} "${m.resourceKey}"${m.suggestions.length ? ` (did you mean ${m.suggestions.map((s) => `"${s}"`).join(', ')}?)` : ''}`,
        )
        .join('; ')}. Provide it in Definitions({ ${missing[0]?.kind === 'IO manager' ? 'ioManagers' : 'resources'}: { ${missing[0]?.resourceKey ?? 'key'}: ... } }).`,
    );
  }
}

/** A `config` option is not a zod schema, or its defaults do not satisfy it. */
export class InvalidConfigSchemaError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_CONFIG_SCHEMA';
  constructor(readonly owner: string, detail: string) {
    super(`Invalid config schema on ${owner}: ${detail}. Pass a zod schema, e.g. config: z.object({ limit: z.number().default(10) }).`);
  }
}

/** A key, name or option that does not follow Stratum's rules. */
export class InvalidDefinitionError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_DEFINITION';
}

/** A schedule definition that cannot work: bad cron, interval, time zone, target, config or partitions. */
export class InvalidScheduleError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_SCHEDULE';
  constructor(readonly owner: string, detail: string) {
    super(`Invalid ${owner}: ${detail}.`);
  }
}

/**
 * Names in the definitions that Temporal cannot hold: a step key (its activity type), a job,
 * schedule or sensor name (in workflow and schedule ids), a static partition key. Lists each
 * name with its size, the limit and the server setting behind it.
 */
export class NameOverLimitError extends DefinitionError {
  readonly code = 'STRATUM_NAME_OVER_LIMIT';
  constructor(readonly problems: readonly { name: string; problem: string }[]) {
    super(
      `${problems.length === 1 ? 'A name is' : `${problems.length} names are`} too long for Temporal:\n${problems.map((p) => `  - ${p.name}: ${p.problem}`).join('\n')}\n` +
        'Shorten these names (a key prefix such as `sales/` groups assets without long names); nothing was started.',
    );
  }
}
