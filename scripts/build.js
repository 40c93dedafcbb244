#!/usr/bin/env node
'use strict';
// `npm run build` (also run by `npm pack` through prepack): compiles the product's sources to
// dist/ (JavaScript, declarations, source maps) and prebuilds the workflow bundle into
// dist/workflow-bundle.js, so an installed worker starts without webpack, and bundles the web UI's
// page into dist/ui/ (index.html, app.js). The checkout itself
// needs no build: `npm test` and `npm run example` run the TypeScript sources.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${what} failed`);
    process.exit(result.status ?? 1);
  }
}

fs.rmSync(dist, { recursive: true, force: true });
run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'tsc');
run([path.join(dist, 'worker', 'build-workflow-bundle.js'), path.join(dist, 'workflow-bundle.js')], 'bundling the workflows');
// The web UI's page (cli/ui/page/*.tsx: preact + dagre), bundled with esbuild: served from the package, never a CDN.
run([path.join(__dirname, 'build-ui-page.js'), path.join(dist, 'ui')], 'bundling the web UI page');
console.error(`build: dist/ ready (workflow bundle ${(fs.statSync(path.join(dist, 'workflow-bundle.js')).size / 1024).toFixed(0)} KiB)`);
