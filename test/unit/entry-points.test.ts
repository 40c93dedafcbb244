import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/**
 * Packages an entry point may never load: a Temporal worker or client, a database driver, the
 * bundler, child_process. Checked in a fresh Node process, since jest's module registry is not
 * Node's.
 */
const forbiddenForDefinitions = ['@temporalio/worker', '@temporalio/client', '@temporalio/core-bridge', 'better-sqlite3', 'pg', 'kysely', 'webpack', '@swc/core'];

/** The modules (package names, and node: built-ins) that requiring `entry` loads. */
function modulesLoadedBy(entry: string): { packages: string[]; builtins: string[] } {
  const script = `
    require('tsx/cjs');
    const Module = require('node:module');
    const builtins = new Set();
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (Module.isBuiltin(request)) builtins.add(request.replace(/^node:/, ''));
      return load.call(this, request, ...rest);
    };
    require(${JSON.stringify(path.join(root, entry))});
    const packages = new Set(Object.keys(require.cache)
      .filter((f) => f.includes('/node_modules/') && !f.includes('/node_modules/tsx/') && !f.includes('/node_modules/esbuild/') && !f.includes('/node_modules/get-tsconfig/') && !f.includes('/node_modules/resolve-pkg-maps/'))
      .map((f) => { const parts = f.split('/node_modules/').pop().split('/'); return parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0]; }));
    process.stdout.write(JSON.stringify({ packages: [...packages].sort(), builtins: [...builtins].sort() }));
  `;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${entry} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as { packages: string[]; builtins: string[] };
}

describe('entry points load only what their runtime needs', () => {
  test('`stratum` (the definition API) loads no Temporal worker or client, no database driver and no child_process', () => {
    const { packages, builtins } = modulesLoadedBy('sdk/index.ts');
    expect(packages.filter((p) => forbiddenForDefinitions.includes(p))).toEqual([]);
    expect(builtins).not.toContain('child_process');
    // What it does load: zod for schemas, luxon and cron-parser for partitions and schedules.
    expect(packages).toEqual(expect.arrayContaining(['zod', 'luxon']));
  });

  test('`stratum/workflow` loads only @temporalio/workflow and @temporalio/common', () => {
    const { packages } = modulesLoadedBy('workflows/api.ts');
    expect(packages.filter((p) => p.startsWith('@temporalio/')).sort()).toEqual(['@temporalio/common', '@temporalio/workflow']);
    expect(packages.filter((p) => forbiddenForDefinitions.includes(p))).toEqual([]);
  });

  test('`stratum/client` loads the Temporal client but no worker', () => {
    const { packages } = modulesLoadedBy('client/index.ts');
    expect(packages).toContain('@temporalio/client');
    expect(packages).not.toContain('@temporalio/worker');
  });
});
