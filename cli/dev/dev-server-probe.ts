import { Connection } from '@temporalio/client';
import { parseAddress, tcpReachable } from './ports';

/**
 * Whether a Temporal front end answers at `address` (plain TCP, no TLS): TCP connect, then
 * `GetSystemInfo` and `DescribeNamespace(namespace)` within `timeoutMs`.
 */
export async function devServerAnswers(address: string, namespace = 'default', timeoutMs = 3_000): Promise<boolean> {
  const { host, port } = parseAddress(address);
  const deadline = Date.now() + timeoutMs;
  if (!(await tcpReachable(host, port, timeoutMs))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      address,
      connectTimeout: Math.max(250, deadline - Date.now()),
      interceptors: [], // no retries: a probe answers now or not at all
    });
    const conn = connection;
    await conn.withDeadline(Math.max(Date.now() + 250, deadline), async () => {
      await conn.workflowService.getSystemInfo({});
      await conn.workflowService.describeNamespace({ namespace });
    });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
