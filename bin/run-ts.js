#!/usr/bin/env node
'use strict';
// Runs a TypeScript file of this project (benchmarks, scripts): node bin/run-ts.js FILE [ARGS...].
require('tsx/cjs');
const path = require('node:path');
const file = path.resolve(process.argv[2]);
process.argv.splice(1, 2, file);
require(file);
