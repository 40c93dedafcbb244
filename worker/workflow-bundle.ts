import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { workflowBundleCacheDir } from '../sdk/definitions/settings';

const PACKAGE_ROOT = path.resolve(__dirname, '..');

/**
 * The bundle `npm run build` writes beside the compiled code (dist/workflow-bundle.js), shipped
 * in the published package: Stratum's workflows hold no user code, so one bundle serves every
 * project. Absent when running from the checkout's sources.
 */
const PREBUILT_BUNDLE = path.join(PACKAGE_ROOT, 'workflow-bundle.js');

/** Every source file the workflow bundle can include: workflows/ and sdk/protocol/ (the only sdk code workflows import). */
async function workflowSources(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  await walk(path.join(PACKAGE_ROOT, 'workflows'));
  await walk(path.join(PACKAGE_ROOT, 'sdk', 'protocol'));
  return files.sort();
}

/** Runs webpack in a child process (its memory goes away with it); rejects with the bundler's output. */
function buildInChildProcess(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'build-workflow-bundle.ts'), out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Bundling the Stratum workflows failed:\n${stderr.trim()}`))));
  });
}

/**
 * The bundled workflow code, built with webpack once per version of the workflow sources and
 * cached in `<cacheDir>/workflow-bundle-<hash>.js` (default `<stratumHome>/cache`, see
 * `workflowBundleCacheDir`), so workers start in about a second instead
 * of bundling every time.
 */
export async function workflowBundle(options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<{ codePath: string }> {
  if (existsSync(PREBUILT_BUNDLE)) return { codePath: PREBUILT_BUNDLE };
  const hash = createHash('sha256');
  for (const file of await workflowSources()) hash.update(file).update(await readFile(file));
  const cacheDir = path.resolve(options.cacheDir ?? workflowBundleCacheDir());
  const codePath = path.join(cacheDir, `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  try {
    await readFile(codePath);
    return { codePath };
  } catch {
    options.log?.('Bundling Stratum workflows (first start after a change)…');
  }
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${codePath}.${process.pid}.tmp`;
  await buildInChildProcess(temporary);
  await rename(temporary, codePath);
  return { codePath };
}
