/**
 * `stratum dev` reloads its worker when the definitions change, as `dagster dev` does: after a
 * code-version bump in defs.ts the next run records the new version; a file that fails to load
 * is reported and the previous worker keeps running; Ctrl-C stops the worker and the dev server
 * this `stratum dev` started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopDevServer } from '../../cli/dev/dev-server';
import { parseAddress, tcpReachable } from '../../cli/dev/ports';
import { openCatalog } from '../../sdk/catalog/open-catalog';
import { exited, runStratum } from '../harness/cli-process';
import { waitFor } from '../harness/wait';

const bin = path.resolve(__dirname, '..', '..', 'bin', 'stratum.js');
const ASSET_KEY = 'dev_reload/probe';
const defsSource = (codeVersion: string) => `import { asset, Definitions } from 'stratum';
import { VALUE } from './value';

export const probe = asset({ key: '${ASSET_KEY}', codeVersion: '${codeVersion}' }, () => VALUE);

export default new Definitions({ assets: [probe] });
`;

/** The environment of a user's shell: no configured server, the project's own .stratum. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: '' };
  for (const key of ['STRATUM_HOME', 'STRATUM_CATALOG', 'STRATUM_CATALOG_URL', 'STRATUM_STORAGE_DIR', 'STRATUM_TASK_QUEUE', 'TEMPORAL_PROFILE']) delete env[key];
  return env;
}

describe('stratum dev', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-dev-reload-'));
  let dev: ChildProcess | undefined;
  let output = '';
  afterAll(async () => {
    if (dev && dev.exitCode === null && dev.signalCode === null) {
      dev.kill('SIGKILL');
      await exited(dev);
    }
    await stopDevServer(path.join(dir, '.stratum'));
  });

  test('reloads the worker when defs.ts changes, keeps it on a load error, and Ctrl-C stops the worker and its dev server', async () => {
    fs.writeFileSync(path.join(dir, 'value.ts'), "export const VALUE = 'one';\n");
    fs.writeFileSync(path.join(dir, 'defs.ts'), defsSource('v1'));
    dev = spawn(process.execPath, [bin, 'dev', '--defs', 'defs.ts', '--port', '0'], { cwd: dir, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout!.on('data', (d) => (output += d));
    dev.stderr!.on('data', (d) => (output += d));
    const seen = (text: string) => () => {
      if (dev!.exitCode !== null) throw new Error(`stratum dev exited (${dev!.exitCode}):\n${output}`);
      return output.includes(text);
    };
    await waitFor(seen('Worker polling'), 90_000);
    const address = /Started Temporal dev server at (\S+:\d+)/.exec(output)?.[1];
    expect(address).toBeDefined();

    fs.writeFileSync(path.join(dir, 'defs.ts'), defsSource('v2'));
    fs.writeFileSync(path.join(dir, 'value.ts'), "export const VALUE = 'two';\n");
    await waitFor(seen('Reloaded definitions (1 assets) after a change to'), 30_000);

    const run = await runStratum(['materialize', ASSET_KEY, '--json'], userEnv(), { cwd: dir });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const catalog = await openCatalog(path.join(dir, '.stratum', 'catalog.db'));
    try {
      const latest = await catalog.latestMaterialization(ASSET_KEY);
      expect(latest?.codeVersion).toBe('v2');
      expect(JSON.parse(fs.readFileSync(new URL(latest!.storageLocation!), 'utf8'))).toBe('two');
    } finally {
      await catalog.close();
    }

    // A file the definitions import that no longer compiles: the error is shown, the worker stays.
    fs.writeFileSync(path.join(dir, 'value.ts'), "export const VALUE = 'three' +;\n");
    await waitFor(seen('Kept the previous worker running; fix value.ts'), 30_000);
    expect(output).toContain('Loading defs.ts failed');

    dev.kill('SIGINT');
    await waitFor(() => dev!.exitCode !== null || dev!.signalCode !== null, 40_000);
    expect({ exit: dev.exitCode, signal: dev.signalCode }).toEqual({ exit: 0, signal: null });
    expect(output).toContain('Stopped the local Temporal dev server.');
    const { host, port } = parseAddress(address!);
    expect(await tcpReachable(host, port, 2_000)).toBe(false);
  }, 180_000);
});
