import { existsSync } from 'node:fs';
import path from 'node:path';
import { Definitions } from '../sdk/definitions/definitions';
import { StratumError } from '../sdk/errors';
import { validateDefinitions } from '../sdk/planning/validate-definitions';

/** The definitions module could not be found or does not export a `Definitions`. */
export class DefinitionsModuleError extends StratumError {
  readonly code = 'STRATUM_DEFINITIONS_MODULE';
}

/**
 * Loads a definitions module (TypeScript or JavaScript): its default export, or an export named
 * `defs`, must be a `Definitions`. TypeScript is compiled on the fly by tsx (registered by the
 * CLI the first time a `.ts` module is loaded). Definition errors (cycles, duplicates…) surface here with their own messages.
 */
export function loadDefinitions(modulePath: string): Definitions {
  const file = path.resolve(modulePath);
  if (!existsSync(file)) {
    throw new DefinitionsModuleError(
      `No definitions module at ${file}. Pass --defs PATH to a file whose default export is new Definitions({...}), or create ./defs.ts.`,
    );
  }
  if (/\.[cm]?ts$/.test(file)) registerTypeScript();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as Record<string, unknown>;
  const candidate = loaded.default ?? loaded.defs;
  if (candidate instanceof Definitions || isDefinitionsLike(candidate)) {
    validateDefinitions(candidate);
    return candidate;
  }
  throw new DefinitionsModuleError(
    `${modulePath} does not export a Definitions. Add \`export default new Definitions({ assets: [...] })\` (exported names: ${Object.keys(loaded).join(', ') || 'none'}).`,
  );
}

/** A Definitions built by another copy of the SDK (e.g. a linked package) still works. */
function isDefinitionsLike(value: unknown): value is Definitions {
  return typeof value === 'object' && value !== null && (value as Definitions).steps instanceof Map && (value as Definitions).assetNodes instanceof Map;
}

/** Compiles TypeScript on require (tsx), unless a TypeScript loader is already registered. */
function registerTypeScript(): void {
  if (require.extensions['.ts']) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('tsx/cjs/api') as typeof import('tsx/cjs/api')).register();
}
