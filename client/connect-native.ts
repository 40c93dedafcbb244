import { NativeConnection } from '@temporalio/worker';
import { errorText, failFastIfClosed, TemporalUnreachableError, TIMED_OUT, withTimeout, type TemporalTarget } from './connection';

/**
 * Connect a worker's {@link NativeConnection} to `target`, failing within `timeoutMs`
 * (default 10 s) with {@link TemporalUnreachableError} instead of hanging. For the CLI and worker
 * processes: it loads `@temporalio/worker`, so the `stratum/client` entry does not import it.
 */
export async function connectNative(target: TemporalTarget, options: { timeoutMs?: number } = {}): Promise<NativeConnection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  await failFastIfClosed(target, timeoutMs);
  try {
    const connecting = NativeConnection.connect({
      address: target.address,
      ...(target.tls !== undefined ? { tls: target.tls } : {}),
      ...(target.apiKey !== undefined ? { apiKey: target.apiKey } : {}),
      ...(target.metadata !== undefined ? { metadata: target.metadata } : {}),
    });
    const result = await withTimeout(connecting, timeoutMs, (late) => void late.close().catch(() => undefined));
    if (result === TIMED_OUT) throw new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`);
    return result;
  } catch (error) {
    if (error instanceof TemporalUnreachableError) throw error;
    throw new TemporalUnreachableError(target.address, target.source, errorText(error), { cause: error });
  }
}
