import { resourceValue, type ResourceDefinition } from '../../sdk/definitions/resource';

/**
 * Resources a test supplies, by key: a resource definition (`resource({...})`,
 * `resourceValue(fake)`) or the value itself (a fake client, a stub), as Dagster's
 * `materialize(resources=...)` and `build_asset_context(resources=...)` accept both.
 */
export type TestResources = Record<string, unknown>;

/** Whether `value` is a resource definition (made by `resource()` or `resourceValue()`). */
export function isResourceDefinition(value: unknown): value is ResourceDefinition<unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'resource';
}

/** Each test resource as a definition: plain values are wrapped with `resourceValue`. */
export function toResourceDefinitions(resources: TestResources | undefined): Record<string, ResourceDefinition<any>> {
  return Object.fromEntries(Object.entries(resources ?? {}).map(([key, value]) => [key, isResourceDefinition(value) ? value : resourceValue(value)]));
}
