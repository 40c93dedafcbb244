import type { BackfillProgress } from '../sdk/protocol/backfill';
import type { BackfillHandle } from '../client/backfill-handle';
import { formatDuration, interactive } from './output';
import { CLEAR_LINE, type LiveOutput } from './watch-run';

/** `[########------------] 412/1000  3 failed  32 running  41.2/s  ETA 14s` */
export function progressLine(p: BackfillProgress, width = 24): string {
  const blocked = p.blocked ?? 0;
  const finished = p.done + p.failed + blocked;
  const ratio = p.total > 0 ? Math.min(1, finished / p.total) : 1;
  const filled = Math.round(ratio * width);
  const eta = p.ratePerSec > 0 && p.remaining + p.running > 0 ? formatDuration(((p.remaining + p.running) / p.ratePerSec) * 1000) : '-';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${p.total}  ${p.done} done  ${p.failed} failed  ${blocked ? `${blocked} blocked  ` : ''}${p.running} running  ${p.ratePerSec}/s  ETA ${eta}${p.status === 'paused' ? '  (paused)' : ''}`;
}

/**
 * Shows a backfill's progress until it ends: a bar redrawn in place on a terminal, a plain line
 * every few seconds otherwise (CI, pipes). Resolves with the final progress, which it does not
 * print (the caller's summary does, once); on a terminal the bar is erased at the end. While the
 * server is unreachable, or no worker picks up the backfill or its runs, the bar stands still and
 * a line says why (see `followWorkflow`); the wait goes on up to `STRATUM_SERVER_WAIT`.
 */
export async function watchBackfill(backfill: BackfillHandle, options: LiveOutput = {}): Promise<BackfillProgress> {
  const tty = options.tty ?? interactive();
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  let done = false;
  let live = false;
  let lastPlain = 0;
  const poll = (async () => {
    while (!done) {
      try {
        const p = await backfill.progress();
        if (!options.quiet && !done) {
          if (tty) {
            write(`${CLEAR_LINE}${progressLine(p)}`);
            live = true;
          } else if (Date.now() - lastPlain >= 5_000) {
            lastPlain = Date.now();
            write(`${progressLine(p)}\n`);
          }
        }
      } catch {
        // not started yet, or just finished
      }
      await new Promise((resolve) => setTimeout(resolve, tty ? 300 : 1_000));
    }
  })();
  const clearLive = () => {
    if (live) write(CLEAR_LINE);
    live = false;
  };
  try {
    // Lines about the server or the workers start on a line of their own, under the bar.
    return await backfill.result({
      log: (line) => {
        if (!options.quiet) clearLive();
        write(`${line}\n`);
      },
    });
  } finally {
    done = true;
    await poll;
    clearLive();
  }
}
