#!/usr/bin/env node
// Make sure the Temporal server the cluster tests run (temporal-server and temporal-sql-tool
// v1.29.1) is built into the per-user cache's temporal-server-v1.29.1/ (the cache is
// STRATUM_CACHE_DIR, else $XDG_CACHE_HOME/stratum, else ~/.cache/stratum), building what is
// missing with `go install`, and print where they are and where the module's schema is.
// Run before the test suite so a first-time Go build happens once, with visible output,
// instead of inside a test's beforeAll.
'use strict';

require('tsx/cjs');

const { findOrBuildTemporalServer } = require('../test/harness/cluster/server-binaries.ts');

findOrBuildTemporalServer({ log: (line) => process.stderr.write(`${line}\n`) }).then(
  (found) => {
    process.stderr.write(`Temporal server ${found.version}: ${found.server}\ntemporal-sql-tool: ${found.sqlTool}\nSchema and configs: ${found.moduleDir}\n`);
    process.stdout.write(`${found.server}\n${found.sqlTool}\n${found.moduleDir}\n`);
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
