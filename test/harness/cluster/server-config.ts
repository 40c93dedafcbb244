import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PostgresServer } from './sql-schema';

/** The four services of a Temporal server, each run as its own process by the harness. */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

/** One of {@link TEMPORAL_SERVICES}. */
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** The ports of one service: gRPC, ringpop membership, and (frontend only) the HTTP API. */
export interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

/** What {@link writeClusterConfig} needs. */
export interface ClusterConfigInput {
  /** Folder the config goes in; the server runs with `--root` its parent and `--config` its name. */
  configDir: string;
  /** The module's folder (for `config/dynamicconfig/development-sql.yaml`). */
  moduleDir: string;
  postgres: PostgresServer;
  /** Databases with the `temporal` and `visibility` schemas. */
  databases: { default: string; visibility: string };
  historyShards: number;
  ports: Record<TemporalService, ServicePorts>;
  /** Server log level: `debug`, `info`, `warn`, `error`. */
  logLevel: string;
  /** Connections per service process to the default store (the visibility store gets 2). */
  maxConns: number;
  /** Dynamic config values, `key: value`, applied to every service without constraints. */
  dynamicConfig: Record<string, unknown>;
}

/** Name of the config file (`<configDir>/<CLUSTER_CONFIG_ENV>.yaml`), given to the server as `--env`. */
export const CLUSTER_CONFIG_ENV = 'cluster';

/** Dynamic config the harness sets unless told otherwise (as the CLI's dev server does for Stratum). */
export const CLUSTER_DEFAULT_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'system.enableActivityEagerExecution': true,
};

/**
 * Writes the server's static config (`<configDir>/cluster.yaml`) and dynamic config
 * (`<configDir>/dynamicconfig.yaml`).
 *
 * The static config is the module's `config/development-postgres12.yaml` with these changes: the
 * given PostgreSQL server, databases and connection pool size; `historyShards` shards; every port
 * free (the sample's fixed 7233-7243, 6933-6939, pprof 7936 and metrics 8000 would clash with
 * other servers and between the service processes: pprof and metrics are off); no archival.
 * YAML is a superset of JSON, so it is written as JSON. The dynamic config is the module's
 * `config/dynamicconfig/development-sql.yaml` with `dynamicConfig`'s keys replaced or added.
 *
 * @returns the two files' paths.
 */
export function writeClusterConfig(input: ClusterConfigInput): { configFile: string; dynamicConfigFile: string } {
  fs.mkdirSync(input.configDir, { recursive: true });
  const dynamicConfigFile = path.join(input.configDir, 'dynamicconfig.yaml');
  const frontend = input.ports.frontend;
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${input.postgres.host}:${input.postgres.port}`,
      connectProtocol: 'tcp',
      user: input.postgres.user,
      password: input.postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const services = Object.fromEntries(
    Object.entries(input.ports).map(([name, ports]) => [
      name,
      { rpc: { grpcPort: ports.grpcPort, membershipPort: ports.membershipPort, bindOnLocalHost: true, ...(ports.httpPort ? { httpPort: ports.httpPort } : {}) } },
    ]),
  );
  const config = {
    log: { stdout: true, level: input.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.historyShards,
      datastores: {
        'postgres-default': datastore(input.databases.default, input.maxConns),
        'postgres-visibility': datastore(input.databases.visibility, 2),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      pprof: { port: 0 },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${frontend.grpcPort}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    publicClient: { hostPort: `127.0.0.1:${frontend.grpcPort}` },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  const configFile = path.join(input.configDir, `${CLUSTER_CONFIG_ENV}.yaml`);
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const base = fs.readFileSync(path.join(input.moduleDir, 'config', 'dynamicconfig', 'development-sql.yaml'), 'utf8');
  const overrides: Record<string, unknown> = {
    // The sample points Nexus callbacks at the fixed port 7243.
    'component.nexusoperations.callback.endpoint.template': `http://127.0.0.1:${frontend.httpPort ?? 7243}/namespaces/{{.NamespaceName}}/nexus/callback`,
    ...CLUSTER_DEFAULT_DYNAMIC_CONFIG,
    ...input.dynamicConfig,
  };
  fs.writeFileSync(dynamicConfigFile, withOverrides(base, overrides));
  return { configFile, dynamicConfigFile };
}

/**
 * The dynamic config YAML `base` with each top-level key of `overrides` removed from it and
 * appended as `key: [{ value, constraints: {} }]` (a key may appear only once in YAML).
 */
function withOverrides(base: string, overrides: Record<string, unknown>): string {
  const kept: string[] = [];
  let skipping = false;
  for (const line of base.split('\n')) {
    const topLevel = /^([A-Za-z][\w.-]*):\s*$/.exec(line);
    if (topLevel) skipping = Object.prototype.hasOwnProperty.call(overrides, topLevel[1]!);
    else if (/^\S/.test(line)) skipping = false; // a comment or another top-level line
    if (!skipping) kept.push(line);
  }
  const added = Object.entries(overrides).map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}`);
  return `${kept.join('\n').trimEnd()}\n# Set by the Stratum cluster harness:\n${added.join('\n')}\n`;
}
