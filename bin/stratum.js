#!/usr/bin/env node
'use strict';
// The `stratum` command. TypeScript (Stratum's own sources and the user's defs.ts) is compiled
// on the fly by tsx's require hook.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv)
  .then(() => {
    // Connections and timers may keep the event loop alive after a command is done.
    setTimeout(() => process.exit(), 50).unref();
  });
