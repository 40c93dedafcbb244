import { Definitions, type AnyAssetDefinition } from '../../sdk/definitions/definitions';
import { inMemoryIOManager } from '../../sdk/definitions/io/in-memory-io-manager';
import { DEFAULT_IO_MANAGER_KEY, type IOManager } from '../../sdk/definitions/io/io-manager';
import type { ResourceDefinition } from '../../sdk/definitions/resource';

/** What a test may put in place of the definitions' own resources and IO managers. */
export interface TestOverrides {
  resources?: Record<string, ResourceDefinition<any>>;
  ioManagers?: Record<string, IOManager>;
}

/**
 * The definitions a test run uses: `definitions` (or a `Definitions` of the given assets) with
 * - the `default` IO manager replaced by a fresh in-memory one, unless the definitions set their own;
 * - the test's resources and IO managers over everything else, job-level resources included
 *   (Dagster's `materialize([...], resources=...)`).
 */
export function testDefinitions(definitions: Definitions | readonly AnyAssetDefinition[], overrides: TestOverrides = {}): Definitions {
  const own = definitions instanceof Definitions ? definitions.options.ioManagers : undefined;
  const ioManagers = {
    ...(own?.[DEFAULT_IO_MANAGER_KEY] ? {} : { [DEFAULT_IO_MANAGER_KEY]: inMemoryIOManager() }),
    ...(overrides.ioManagers ?? {}),
  };
  const resources = overrides.resources ?? {};
  if (!(definitions instanceof Definitions)) return new Definitions({ assets: definitions, resources, ioManagers });
  const copy = definitions.withOverrides({ resources, ioManagers });
  const overridden = Object.keys(resources);
  if (overridden.length > 0) {
    // A job's own resources win over Definitions' in a step; the test's win over both. Job steps
    // get their resource map afresh for every Definitions, so replacing it touches only this copy.
    for (const step of copy.steps.values()) {
      if (!overridden.some((key) => key in step.resourceOverrides)) continue;
      step.resourceOverrides = Object.fromEntries(Object.entries(step.resourceOverrides).filter(([key]) => !overridden.includes(key)));
    }
  }
  return copy;
}
