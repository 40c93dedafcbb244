#!/usr/bin/env node
'use strict';
// The `stratum` command. Installed from npm, it runs the compiled CLI (dist/). In Stratum's own
// checkout (which has tsconfig.json beside the sources) it runs the TypeScript sources through
// tsx, and `stratum` / `stratum/*` imports (in examples and fixtures) resolve to the sources too,
// as the package's `stratum-source` export condition says. Users' defs.ts files are compiled on
// the fly in both cases.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const fromSource = fs.existsSync(path.join(root, 'tsconfig.json')) && fs.existsSync(path.join(root, 'cli', 'main.ts'));

const LONG_RUNNING = new Set(['worker', 'dev']);
const command = process.argv[2];
const heapMb = process.env.STRATUM_WORKER_HEAP_MB ?? String(defaultHeapMb());
const heapSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('max-old-space-size'));

/**
 * The default V8 heap cap of `worker` / `dev` in MB: half of the memory this process may use
 * (the machine's, or the cgroup's limit when a container sets a lower one), at least 512. Users'
 * asset functions run in the worker, so it must hold their data; half leaves room for Buffers
 * (outside the V8 heap), the native Temporal core and other processes.
 */
function defaultHeapMb() {
  const os = require('node:os');
  let bytes = os.totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  if (constrained > 0 && constrained < bytes) bytes = constrained;
  return Math.max(512, Math.floor(bytes / 2 / 1024 / 1024));
}

/** Resolves `stratum` and `stratum/<entry>` to the checkout's sources (the `stratum-source` condition). */
function resolveStratumToSources() {
  const Module = require('node:module');
  const { exports: entries } = require(path.join(root, 'package.json'));
  const sources = new Map();
  for (const [subpath, target] of Object.entries(entries)) {
    if (typeof target === 'object' && target['stratum-source']) sources.set(subpath === '.' ? 'stratum' : `stratum/${subpath.slice(2)}`, path.join(root, target['stratum-source']));
  }
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, sources.get(request) ?? request, ...rest);
  };
}

if (LONG_RUNNING.has(command) && !heapSet && heapMb !== '0') {
  // Workers run users' data work: cap V8's old space at half the memory available (not V8's own
  // default, which ignores container limits and stops at about 4 GB), so a big asset fits and a
  // runaway one fails with a heap error before the kernel's OOM killer takes the container.
  // STRATUM_WORKER_HEAP_MB=<MB> sets the cap; 0 leaves V8's default.
  // The capped process exits at once if this one dies (even by SIGKILL), like the worker it is.
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, STRATUM_WORKER_HEAP_MB: heapMb, STRATUM_LAUNCHER_PID: String(process.pid) },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else {
  if (process.send) process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  // `stratum … | head` closes stdout early: stop quietly, as other Unix tools do.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let cli;
  if (fromSource) {
    require('tsx/cjs');
    resolveStratumToSources();
    cli = require('../cli/main.ts');
  } else {
    cli = require('../dist/cli/main.js');
  }
  cli.main(process.argv).then(() => {
    // Connections and timers may keep the event loop alive after a command is done.
    setTimeout(() => process.exit(), 50).unref();
  });
}
