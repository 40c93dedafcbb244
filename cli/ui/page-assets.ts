import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { workflowBundleCacheDir } from '../../sdk/definitions/settings';

/** The built page the UI server serves. */
export interface PageAssets {
  html: string;
  js: string;
}

/** The page `npm run build` wrote into the package (dist/ui, beside dist/cli). */
const PREBUILT = path.resolve(__dirname, '..', '..', 'ui');
/** The checkout's page sources, absent from the published package. */
const SOURCES = path.resolve(__dirname, 'page');

function read(dir: string): PageAssets {
  return { html: readFileSync(path.join(dir, 'index.html'), 'utf8'), js: readFileSync(path.join(dir, 'app.js'), 'utf8') };
}

/**
 * The web UI's page: the prebuilt one of the package, or (running from the checkout's sources)
 * bundled with esbuild once per version of cli/ui/page/ into `<cacheDir>/ui-<hash>/`, as the
 * workflow bundle is, so `stratum ui` and the tests need no manual build.
 */
export async function pageAssets(options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<PageAssets> {
  if (existsSync(path.join(PREBUILT, 'index.html')) && !existsSync(SOURCES)) return read(PREBUILT);
  const hash = createHash('sha256');
  for (const name of readdirSync(SOURCES).sort()) hash.update(name).update(readFileSync(path.join(SOURCES, name)));
  const dir = path.join(path.resolve(options.cacheDir ?? workflowBundleCacheDir()), `ui-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(path.join(dir, 'app.js'))) return read(dir);
  options.log?.('Building the web UI page (first start after a change)…');
  const temporary = `${dir}.${process.pid}.tmp`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildUiPage } = require(path.resolve(__dirname, '..', '..', 'scripts', 'build-ui-page.js')) as { buildUiPage: (out: string) => Promise<void> };
  await buildUiPage(temporary);
  try {
    renameSync(temporary, dir);
  } catch {
    // Another process built it first.
    rmSync(temporary, { recursive: true, force: true });
  }
  return read(dir);
}
