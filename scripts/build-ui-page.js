'use strict';
// Bundles the web UI's page (cli/ui/page/index.tsx, preact + dagre) with esbuild into one
// directory: index.html and app.js. `npm run build` writes dist/ui/; in the checkout the UI
// server builds it on demand into .stratum/cache (cli/ui/page-assets.ts). Nothing loads from a CDN.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pageDir = path.join(root, 'cli', 'ui', 'page');

/** Builds the page into `outDir` (index.html, app.js). */
async function buildUiPage(outDir) {
  const esbuild = require('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(pageDir, 'index.tsx')],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: path.join(outDir, 'app.js'),
    logLevel: 'warning',
    legalComments: 'none',
  });
  fs.copyFileSync(path.join(pageDir, 'index.html'), path.join(outDir, 'index.html'));
}

module.exports = { buildUiPage, pageDir };

if (require.main === module) {
  buildUiPage(path.resolve(process.argv[2] ?? path.join(root, 'dist', 'ui'))).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
