#!/usr/bin/env node
'use strict';
// `npm run verify-package`: Stratum as users get it. Packs the package (which builds dist/),
// checks what the tarball holds, installs it into a fresh project outside the checkout (its own
// package.json, tsconfig.json, defs.ts and a jest test using `stratum/testing`), and there runs
// the commands of the README's "Use Stratum in your own project": `npx stratum materialize`
// on the embedded defaults, `npx stratum backfill start` of a partitioned asset, and the test.
// Keeps the project folder when a step fails (its path is printed).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const fixture = path.join(__dirname, 'package-fixture');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-package-'));
const project = path.join(work, 'my-data-app');

/** The environment of a user's shell: none of the checkout's or CI's Stratum settings. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(STRATUM_(?!CACHE_DIR)|TEMPORAL_ADDRESS|TEMPORAL_NAMESPACE)/.test(k)));

function step(title, command, args, options = {}) {
  process.stderr.write(`\n== ${title}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: project, stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', env: userEnv, ...options });
  if (result.status !== 0) {
    process.stderr.write(`verify-package: "${title}" failed (exit ${result.status}); the project is kept at ${project}\n`);
    spawnSync('npx', ['stratum', 'server', 'stop'], { cwd: project, stdio: 'inherit', env: userEnv });
    process.exit(1);
  }
  process.stderr.write(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return result.stdout;
}

// 1. Pack (prepack runs `npm run build`) and look inside.
fs.mkdirSync(project, { recursive: true });
const packed = JSON.parse(step('pack', 'npm', ['pack', '--json', '--pack-destination', work], { cwd: root, capture: true }))[0];
const files = packed.files.map((f) => f.path);
const forbidden = files.filter((f) => /^(test|bench|\.ci|scripts|examples)\//.test(f) || /\.test\.(ts|js)$/.test(f) || f === 'tsconfig.json');
if (forbidden.length > 0) {
  process.stderr.write(`verify-package: the tarball holds files users must not get:\n  ${forbidden.join('\n  ')}\n`);
  process.exit(1);
}
for (const needed of ['dist/sdk/index.js', 'dist/sdk/index.d.ts', 'dist/client/index.js', 'dist/worker/index.js', 'dist/workflows/api.js', 'dist/worker/testing/index.js', 'dist/workflow-bundle.js', 'dist/ui/index.html', 'dist/ui/app.js', 'dist/cli/commands/ui.js', 'bin/stratum.js']) {
  if (!files.includes(needed)) {
    process.stderr.write(`verify-package: the tarball lacks ${needed}\n`);
    process.exit(1);
  }
}
process.stderr.write(`   ${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB\n`);

// 2. A fresh project of the user's own.
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.writeFileSync(
  path.join(project, 'package.json'),
  JSON.stringify(
    {
      name: 'my-data-app',
      private: true,
      scripts: { test: 'jest' },
      // npm here runs a dependency's install script only when approved.
      allowScripts: { 'better-sqlite3': true, esbuild: true, '@swc/core': true },
      jest: { testEnvironment: 'node', transform: { '^.+\\.ts$': ['@swc/jest', {}] }, testTimeout: 120000 },
    },
    null,
    2,
  ),
);
fs.writeFileSync(
  path.join(project, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node', 'jest'] } }, null, 2),
);
for (const file of ['defs.ts', 'revenue.test.ts']) fs.copyFileSync(path.join(fixture, file), path.join(project, file));
const devDeps = ['typescript', 'jest', '@swc/jest', '@swc/core', '@types/jest', '@types/node@20'].map((name) => {
  const bare = name.replace(/@\d+$/, '');
  const version = pkg.devDependencies[bare];
  return version ? `${bare}@${version}` : name;
});
step('install the tarball', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, packed.filename), `zod@${pkg.dependencies.zod}`]);
step('install test tools', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', ...devDeps]);

// 3. What the README tells users to run.
step('type check the user project', 'npx', ['tsc', '-p', 'tsconfig.json']);
step('materialize on the embedded defaults', 'npx', ['stratum', 'materialize', 'shop/currencies']);
step('backfill a partitioned asset', 'npx', ['stratum', 'backfill', 'start', 'shop/orders+', '--from', '2024-01-01', '--to', '2024-01-07']);
step("the user's jest test", 'npx', ['jest']);
const listed = step('the catalog in the project', 'npx', ['stratum', 'assets', 'list', '--json'], { capture: true });
if (!fs.existsSync(path.join(project, '.stratum', 'catalog.db'))) {
  process.stderr.write(`verify-package: no catalog at ${path.join(project, '.stratum', 'catalog.db')}\n`);
  process.exit(1);
}
process.stderr.write(listed.slice(0, 2000));
step('stop the dev server', 'npx', ['stratum', 'server', 'stop']);
fs.rmSync(work, { recursive: true, force: true });
process.stderr.write('\nverify-package: the packed Stratum works in a fresh project.\n');
