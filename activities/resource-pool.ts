import type { ResourceDefinition } from '../sdk/definitions/resource';

/**
 * Builds each resource once per worker, on first use, and tears them all down at shutdown.
 * Config is resolved (env vars, explicit values, defaults) and validated eagerly by `validate`,
 * so a worker with a misconfigured resource refuses to start instead of failing steps later.
 */
export class ResourcePool {
  private readonly built = new Map<ResourceDefinition<any>, Promise<unknown>>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Resolves the config of every resource; throws `ConfigValidationError` naming the first bad one. */
  validate(resources: Record<string, ResourceDefinition<any>>): void {
    for (const [key, definition] of Object.entries(resources)) definition.resolveConfig(key, this.env);
  }

  /** The value of `definition`, built on first use. */
  get<T>(key: string, definition: ResourceDefinition<T>): Promise<T> {
    let value = this.built.get(definition);
    if (!value) {
      value = Promise.resolve().then(() => definition.options.build(definition.resolveConfig(key, this.env)));
      value.catch(() => this.built.delete(definition)); // a failed build is retried by the next step
      this.built.set(definition, value);
    }
    return value as Promise<T>;
  }

  /** Tears down every resource built so far (errors are reported, not thrown). */
  async teardown(report: (message: string) => void = () => undefined): Promise<void> {
    const entries = [...this.built];
    this.built.clear();
    for (const [definition, value] of entries) {
      if (!definition.options.teardown) continue;
      try {
        await definition.options.teardown(await value);
      } catch (error) {
        report(`resource teardown failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
