/**
 * `stratum … | head` closes stdout before the command is done writing: the command stops quietly
 * with exit 0, as Unix tools do, instead of crashing with an EPIPE stack trace (issue 10, item 9).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(__dirname, '..', 'bin', 'stratum.js');

test('a closed stdout ends the command quietly', async () => {
  const defs = path.resolve(__dirname, '..', 'examples', 'partitioned', 'defs.ts');
  // `schedule preview` prints one line per tick: plenty to hit the closed pipe.
  const child = spawn(process.execPath, [bin, 'schedule', 'preview', 'web_daily', '--count', '5000', '--defs', defs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
  expect(code).toBe(0);
});
