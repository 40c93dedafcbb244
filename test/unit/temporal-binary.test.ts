/**
 * What the dev server does on first use when no Temporal CLI is around (cli/dev/temporal-binary.ts):
 * without Go it says how to get one; with Go it builds the CLI into the per-user cache, and a
 * failed build says so with Go's own output. The build is made to fail without network by
 * switching the Go module proxy off, so no test downloads or compiles the CLI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedTemporalCliPath, findOrBuildTemporalCli, TemporalCliBuildError, TemporalCliNotFoundError } from '../../cli/dev/temporal-binary';
import { findGo } from '../../cli/dev/go-install';

let cacheDir: string;
beforeEach(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-temporal-binary-'));
});
afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

test('without a CLI and without Go, findOrBuildTemporalCli says what to install', async () => {
  const error = await findOrBuildTemporalCli({ cacheDir, env: { PATH: cacheDir } }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemporalCliNotFoundError);
  expect((error as TemporalCliNotFoundError).reason).toBe('not-found');
  expect((error as Error).message).toContain('Go is not installed to build it');
  expect((error as Error).message).toContain('install Go >= 1.25');
});

const goPath = findGo(process.env);
(goPath === null ? test.skip : test)('a failing Go build of the CLI is a TemporalCliBuildError with the end of Go\'s output, and leaves no lock behind', async () => {
  const lines: string[] = [];
  const env = { PATH: path.dirname(goPath!), HOME: os.homedir(), GOPROXY: 'off', GOMODCACHE: path.join(cacheDir, 'modcache'), GOCACHE: path.join(cacheDir, 'gocache') };
  const error = await findOrBuildTemporalCli({ cacheDir, env, log: (line) => lines.push(line) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemporalCliBuildError);
  const message = (error as Error).message;
  expect(message).toMatch(/^\[STRATUM_TEMPORAL_CLI_BUILD_FAILED\] Building the Temporal CLI v1\.5\.1 with Go failed: `go install` exited with code 1\n/);
  expect(message).toContain("Last lines of Go's output:");
  expect(message).toContain('GOPROXY=off');
  const binDir = path.dirname(cachedTemporalCliPath(cacheDir));
  expect(lines[0]).toBe(`Building the Temporal CLI v1.5.1 with Go into ${binDir} (first run only, takes several minutes)…`);
  expect(fs.existsSync(path.join(binDir, '.temporal-build.lock'))).toBe(false);
});
