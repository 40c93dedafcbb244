#!/usr/bin/env node
'use strict';
// `npm run example`: materializes the example ETL end to end on the embedded defaults: the
// local Temporal dev server (built with Go the first time), a SQLite catalog and an in-process
// worker. The dev server keeps running afterwards so its web UI can be browsed; stop it with
// `npx stratum server stop`.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'bin', 'stratum.js'), 'materialize', '*', '--defs', path.join(root, 'examples', 'etl', 'defs.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
