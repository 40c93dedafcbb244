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
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    // Definition errors (cycles, duplicates, bad keys…) say what to fix in the definitions themselves.
    if (error instanceof StratumError) throw error;
    throw new DefinitionsModuleError(
      `Loading the definitions module ${shownPath(file)} failed: ${describeImportError(error)}. Fix the module (it runs when it is imported), then run the command again.`,
      { cause: error },
    );
  }
  const candidate = loaded.default ?? loaded.defs;
  if (candidate instanceof Definitions || isDefinitionsLike(candidate)) {
    validateDefinitions(candidate);
    return candidate;
  }
  throw new DefinitionsModuleError(
    `${modulePath} does not export a Definitions. Add \`export default new Definitions({ assets: [...] })\` (exported names: ${Object.keys(loaded).join(', ') || 'none'}).`,
  );
}

/** `TypeError: …`, with where it was thrown in the user's code (`at defs.ts:12:5`) when the stack says. */
function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? '').split('\n').slice(1);
  const frame = frames.find((line) => !line.includes('node_modules') && !line.includes('node:internal') && /\(?([^()\s]+):(\d+):(\d+)\)?$/.test(line));
  const match = frame ? /\(?([^()\s]+):(\d+):(\d+)\)?$/.exec(frame.trim()) : null;
  const where = match ? ` (at ${shownPath(match[1]!.replace(/^file:\/\//, ''))}:${match[2]}:${match[3]})` : '';
  return `${error.name}: ${error.message}${where}`;
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** A Definitions built by another copy of the SDK (e.g. a linked package) still works. */
function isDefinitionsLike(value: unknown): value is Definitions {
  return typeof value === 'object' && value !== null && (value as Definitions).steps instanceof Map && (value as Definitions).assetNodes instanceof Map;
}

/** Compiles TypeScript on require (tsx), unless a TypeScript loader is already registered. */
export function registerTypeScript(): void {
  if (require.extensions['.ts']) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('tsx/cjs/api') as typeof import('tsx/cjs/api')).register();
}
