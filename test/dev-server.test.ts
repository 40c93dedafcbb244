import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeDeclarations } from '../sdk/protocol/search-attributes';
import { configuredTemporalTarget, connectClient, resolveTemporalTarget, TemporalConfigError, TemporalUnreachableError } from '../client/connection';
import { findRunningDevServer, stopDevServer } from '../cli/dev/dev-server';
import { devServerStateFile } from '../cli/dev/dev-server-state';
import { pickFreePort } from '../cli/dev/ports';
import { startDedicatedTestServer, TestEnvVars, testTemporalAddress, testTemporalTarget, uniqueTaskQueue } from './harness/test-env';

const INDEXED_VALUE_TYPE_NAMES: Record<number, string> = { 1: 'Text', 2: 'Keyword', 3: 'Int', 4: 'Double', 5: 'Bool', 6: 'Datetime', 7: 'KeywordList' };

/** `Name=Type` of every custom search attribute on the server. */
async function customSearchAttributes(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return Object.entries(customAttributes ?? {}).map(([name, type]) => `${name}=${INDEXED_VALUE_TYPE_NAMES[type as number]}`);
  } finally {
    await connection.close();
  }
}

/** An environment with nothing configured: no TEMPORAL_* variables, no config file. */
function emptyTemporalEnv(tmp: string): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], HOME: tmp, TEMPORAL_CONFIG_FILE: path.join(tmp, 'no-such-temporal.toml') };
}

let tmp: string;
/** The Stratum home of the test's project: `<tmp>/.stratum`. */
let home: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-dev-server-test-'));
  home = path.join(tmp, '.stratum');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the shared dev server answers and has the Stratum search attributes', async () => {
  const { connection, client } = await connectClient(testTemporalTarget());
  try {
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    expect(client.options.namespace).toBe('default');
  } finally {
    await connection.close();
  }
  expect(await customSearchAttributes(testTemporalAddress())).toEqual(expect.arrayContaining([...searchAttributeDeclarations]));
});

test('a dev server on a persistent db keeps its executions and search attributes across a restart', async () => {
  const dbFile = path.join(tmp, 'temporal.db');
  const [first, ...rest] = searchAttributeDeclarations;
  // First start registers only one attribute, as a database created by an older Stratum would.
  let server = await startDedicatedTestServer({ dbFile, searchAttributes: [first as string] });
  const workflowId = `persist-${uniqueTaskQueue('wf')}`;
  try {
    const { connection, client } = await connectClient({ address: server.address, namespace: 'default', source: 'env' });
    try {
      await client.workflow.start('NoWorkerServesThisWorkflow', { taskQueue: uniqueTaskQueue('nobody'), workflowId, args: [] });
    } finally {
      await connection.close();
    }
  } finally {
    await server.stop();
  }
  expect(fs.existsSync(dbFile)).toBe(true);

  // `start-dev` ignores --search-attribute for names missing from an existing db: startDevServer adds them.
  server = await startDedicatedTestServer({ dbFile });
  try {
    const { connection, client } = await connectClient({ address: server.address, namespace: 'default', source: 'env' });
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      const listed: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) listed.push(execution.workflowId);
      expect(listed).toEqual([workflowId]);
    } finally {
      await connection.close();
    }
    expect(await customSearchAttributes(server.address)).toEqual(expect.arrayContaining([first, ...rest]));
  } finally {
    await server.stop();
  }
});

test('configuredTemporalTarget reads env variables and config file profiles through @temporalio/envconfig', () => {
  const env = emptyTemporalEnv(tmp);
  expect(configuredTemporalTarget({ env })).toBeNull();
  expect(configuredTemporalTarget({ env: { ...env, TEMPORAL_ADDRESS: '' } })).toBeNull();
  expect(configuredTemporalTarget({ env: { ...env, TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'data' } })).toEqual({
    address: 'temporal.example:7233',
    namespace: 'data',
    source: 'env',
  });

  const configFile = path.join(tmp, 'temporal.toml');
  fs.writeFileSync(configFile, '[profile.staging]\naddress = "staging.example:7233"\nnamespace = "stage"\napi_key = "secret"\n');
  const fromProfile = configuredTemporalTarget({ env: { ...env, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'staging' } });
  expect(fromProfile).toEqual({ address: 'staging.example:7233', namespace: 'stage', apiKey: 'secret', tls: true, source: 'profile' });
  expect(() => configuredTemporalTarget({ env: { ...env, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'nope' } })).toThrow(TemporalConfigError);
});

test('resolveTemporalTarget fails fast with TemporalUnreachableError when TEMPORAL_ADDRESS points to a closed port', async () => {
  const port = await pickFreePort(); // free a moment ago, nothing listens there
  const address = `127.0.0.1:${port}`;
  const started = Date.now();
  const error = await resolveTemporalTarget({
    startLocalIfNeeded: true,
    stratumHome: home,
    env: { ...emptyTemporalEnv(tmp), TEMPORAL_ADDRESS: address },
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TemporalUnreachableError);
  expect((error as TemporalUnreachableError).code).toBe('STRATUM_TEMPORAL_UNREACHABLE');
  expect((error as Error).message).toContain(address);
  expect((error as Error).message).toContain('TEMPORAL_ADDRESS');
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(fs.existsSync(devServerStateFile(home))).toBe(false); // it did not start a local server instead
});

test('findRunningDevServer removes a stale state file', async () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid as number; // has exited by now
  const stateFile = devServerStateFile(home);
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const state = { pid: dead, address: `127.0.0.1:${await pickFreePort()}`, uiUrl: null, namespace: 'default', dbFile: null, startedAt: new Date().toISOString() };
  fs.writeFileSync(stateFile, JSON.stringify(state));
  expect(await findRunningDevServer(home)).toBeNull();
  expect(fs.existsSync(stateFile)).toBe(false);

  // A live pid that is not a Temporal server (this process) is stale too.
  fs.writeFileSync(stateFile, JSON.stringify({ ...state, pid: process.pid }));
  expect(await findRunningDevServer(home)).toBeNull();
  expect(fs.existsSync(stateFile)).toBe(false);

  fs.writeFileSync(stateFile, '{ not json');
  expect(await findRunningDevServer(home)).toBeNull();
  expect(fs.existsSync(stateFile)).toBe(false);
});

test('resolveTemporalTarget starts a detached dev server once, reuses it, and stopDevServer stops it', async () => {
  const env = emptyTemporalEnv(tmp);
  const lines: string[] = [];
  const devServer = { port: 0, cliPath: process.env[TestEnvVars.temporalCli] as string };
  // STRATUM_HOME names the folder the dev server's database and state file go to.
  const first = await resolveTemporalTarget({ startLocalIfNeeded: true, env: { ...env, STRATUM_HOME: home }, devServer, log: (line) => lines.push(line) });
  try {
    expect(first.startedServer).toBe(true);
    expect(first.target.source).toBe('local-dev-server');
    expect(first.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.join('\n')).toContain(`Started Temporal dev server at ${first.target.address} (web UI ${first.uiUrl})`);
    expect(fs.existsSync(path.join(tmp, '.stratum', 'data', 'temporal.db'))).toBe(true);

    const again = await resolveTemporalTarget({ startLocalIfNeeded: true, stratumHome: home, env, devServer });
    expect(again).toEqual({ target: first.target, uiUrl: first.uiUrl, startedServer: false });
    const running = await findRunningDevServer(home);
    expect(running?.address).toBe(first.target.address);
    expect(await customSearchAttributes(first.target.address)).toEqual(expect.arrayContaining([...searchAttributeDeclarations]));
  } finally {
    expect(await stopDevServer(home)).toBe(true);
  }
  expect(fs.existsSync(devServerStateFile(home))).toBe(false);
  expect(await findRunningDevServer(home)).toBeNull();
});
