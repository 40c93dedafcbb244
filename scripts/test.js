#!/usr/bin/env node
'use strict';
// `npm test`: makes sure the test prerequisites exist (the Temporal CLI and, for the cluster suite,
// the Temporal server, built with Go on first use; PostgreSQL's server binaries for the catalog
// tests; Debian's Chromium for the web UI's browser test), then runs jest. Extra arguments go
// to jest: `npm test -- test/planner.test.ts`.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function postgresInstalled() {
  if (process.env.STRATUM_TEST_POSTGRES_URL) return true;
  try {
    return fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

if (!postgresInstalled()) {
  const canInstall = process.getuid && process.getuid() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error("PostgreSQL's server binaries are needed by the catalog tests: install Debian's postgresql package (sudo apt-get install postgresql), or set STRATUM_TEST_POSTGRES_URL to a server you own.");
    process.exit(1);
  }
  console.error('Installing PostgreSQL (Debian package postgresql) for the catalog tests…');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// Debian's Chromium for the web UI's browser test (test/browser/ui.test.ts, driven by playwright-core).
if (!fs.existsSync('/usr/bin/chromium')) {
  const canInstall = process.getuid && process.getuid() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error("Chromium is needed by the web UI's browser test: install Debian's chromium package (sudo apt-get install chromium).");
    process.exit(1);
  }
  console.error("Installing Chromium (Debian package chromium) for the web UI's browser test…");
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const ensure = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-temporal.js')], { stdio: 'inherit' });
if (ensure.status !== 0) process.exit(ensure.status ?? 1);

// The Temporal server and temporal-sql-tool for the cluster suite (test/cluster/), built with Go on first use.
const ensureServer = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-temporal-server.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (ensureServer.status !== 0) process.exit(ensureServer.status ?? 1);

const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
