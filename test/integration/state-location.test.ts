/**
 * State in the user's project: the CLI run from a project folder outside the checkout keeps its
 * catalog, stored values, workflow-bundle cache and dev-server files under that project's
 * `.stratum/` (or `$STRATUM_HOME`), and writes nothing of the run under the Stratum package.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCatalog } from '../../sdk/catalog/open-catalog';
import { runStratum } from '../harness/cli-process';
import { TestEnvVars, testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';

const packageRoot = path.resolve(__dirname, '..', '..');
/** The asset the project defines; no other definitions use this key, so its traces are ours. */
const ASSET_KEY = 'state_location/probe';

const DEFS = `import { asset, Definitions } from 'stratum';

export const probe = asset({ key: '${ASSET_KEY}' }, () => ({ written: 'by the state-location test' }));

export default new Definitions({ assets: [probe] });
`;

/** Every file under `dir` (recursively), skipping node_modules and .git. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** A user's project folder outside the checkout: a defs.ts and nothing else. */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-project-'));
  fs.writeFileSync(path.join(dir, 'defs.ts'), DEFS);
  return dir;
}

/** Materialize the project's asset with the CLI (worker in the CLI process, the shared dev server); returns the run id. */
async function materializeIn(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { code, stdout, stderr } = await runStratum(
    ['materialize', ASSET_KEY, '--json'],
    { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_TASK_QUEUE: uniqueTaskQueue('state-location'), ...env },
    { cwd },
  );
  if (code !== 0) throw new Error(`stratum materialize exited with ${code}:\n${stderr}`);
  const result = JSON.parse(stdout) as { status: string; runId: string };
  expect(result.status).toBe('succeeded');
  return result.runId;
}

/** Asserts that the run's catalog rows, stored value and workflow bundle are under `home`. */
async function expectStateIn(home: string, runId: string): Promise<void> {
  const catalog = await openCatalog(path.join(home, 'catalog.db'));
  try {
    expect((await catalog.latestMaterialization(ASSET_KEY))?.runId).toBe(runId);
  } finally {
    await catalog.close();
  }
  expect(fs.existsSync(path.join(home, 'storage', 'assets', 'state_location', 'probe', '__all__.json'))).toBe(true);
  expect(fs.readdirSync(path.join(home, 'cache')).filter((name) => /^workflow-bundle-.*\.js$/.test(name))).toHaveLength(1);
}

/** Asserts that nothing of the run is under the package folder: no stored value, no catalog row. */
async function expectNothingInPackage(runId: string): Promise<void> {
  expect(filesUnder(packageRoot).filter((file) => file.includes(`${path.sep}state_location${path.sep}`))).toEqual([]);
  const packageCatalog = path.join(packageRoot, '.stratum', 'catalog.db');
  if (!fs.existsSync(packageCatalog)) return;
  const catalog = await openCatalog(packageCatalog);
  try {
    expect(await catalog.getRun(runId)).toBeNull();
    expect(await catalog.latestMaterialization(ASSET_KEY)).toBeNull();
  } finally {
    await catalog.close();
  }
}

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

test('with nothing set, the catalog, stored values and bundle cache go to <project>/.stratum', async () => {
  const project = makeProject();
  cleanup.push(project);
  const runId = await materializeIn(project);
  await expectStateIn(path.join(project, '.stratum'), runId);
  await expectNothingInPackage(runId);
});

test('STRATUM_HOME takes the place of .stratum, resolved against the project folder', async () => {
  const project = makeProject();
  cleanup.push(project);
  const runId = await materializeIn(project, { STRATUM_HOME: 'state' });
  await expectStateIn(path.join(project, 'state'), runId);
  expect(fs.existsSync(path.join(project, '.stratum'))).toBe(false);
  await expectNothingInPackage(runId);
});

test('stratum server start keeps the dev server database, log and state file under <project>/.stratum/data', async () => {
  const project = makeProject();
  cleanup.push(project);
  const env = { TEMPORAL_CLI_PATH: process.env[TestEnvVars.temporalCli] as string };
  const started = await runStratum(['server', 'start', '--port', '0'], env, { cwd: project });
  try {
    expect(started.code).toBe(0);
    const data = path.join(project, '.stratum', 'data');
    expect(fs.readdirSync(data)).toEqual(expect.arrayContaining(['dev-server.json', 'temporal-server.log', 'temporal.db']));
    const status = await runStratum(['server', 'status', '--json'], env, { cwd: project });
    const state = JSON.parse(fs.readFileSync(path.join(data, 'dev-server.json'), 'utf8')) as { address: string; dbFile: string };
    expect(JSON.parse(status.stdout)).toMatchObject({ address: state.address, dbFile: path.join(data, 'temporal.db') });
    // A dev server started from the checkout itself may be recorded there; this one is not.
    const packageStateFiles = filesUnder(packageRoot).filter((file) => file.endsWith(`${path.sep}dev-server.json`));
    for (const file of packageStateFiles) expect(fs.readFileSync(file, 'utf8')).not.toContain(state.address);
  } finally {
    const stopped = await runStratum(['server', 'stop'], env, { cwd: project });
    expect(stopped.code).toBe(0);
  }
  expect(fs.existsSync(path.join(project, '.stratum', 'data', 'dev-server.json'))).toBe(false);
});
