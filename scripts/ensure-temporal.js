#!/usr/bin/env node
// Make sure a Temporal CLI binary is available (TEMPORAL_CLI_PATH, `temporal` on PATH, or the
// per-user cache's temporal-cli-<version>/temporal, building the latter with Go on first use;
// the cache is STRATUM_CACHE_DIR, else $XDG_CACHE_HOME/stratum, else ~/.cache/stratum) and print its path.
// Run before the test suite so a first-time Go build happens once, with visible output,
// instead of inside jest's global setup.
'use strict';

require('tsx/cjs');

const { findOrBuildTemporalCli, temporalCliVersion } = require('../cli/dev/temporal-binary.ts');

findOrBuildTemporalCli({ log: (line) => process.stderr.write(`${line}\n`) }).then(
  (file) => {
    process.stderr.write(`Temporal CLI: ${file} (${temporalCliVersion(file) ?? 'unknown version'})\n`);
    process.stdout.write(`${file}\n`);
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
