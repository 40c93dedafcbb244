#!/usr/bin/env node
'use strict';
// The `stratum` command. TypeScript (Stratum's own sources and the user's defs.ts) is compiled
// on the fly by tsx's require hook.
const { spawn } = require('node:child_process');

const LONG_RUNNING = new Set(['worker', 'dev']);
const command = process.argv[2];
const heapMb = process.env.STRATUM_WORKER_HEAP_MB ?? '384';
const heapSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('max-old-space-size'));

if (LONG_RUNNING.has(command) && !heapSet && heapMb !== '0') {
  // Workers run for days: cap V8's old space (by default a quarter of the machine's memory,
  // which V8 fills lazily) so a worker stays small. STRATUM_WORKER_HEAP_MB=0 turns this off.
  // The capped process exits at once if this one dies (even by SIGKILL), like the worker it is.
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, STRATUM_WORKER_HEAP_MB: heapMb, STRATUM_LAUNCHER_PID: String(process.pid) },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else {
  if (process.send) process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  require('tsx/cjs');
  require('../cli/main.ts')
    .main(process.argv)
    .then(() => {
      // Connections and timers may keep the event loop alive after a command is done.
      setTimeout(() => process.exit(), 50).unref();
    });
}
