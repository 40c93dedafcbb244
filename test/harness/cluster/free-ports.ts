import * as net from 'node:net';

/**
 * `count` distinct free TCP ports on 127.0.0.1 in [10000, 32767], each checked by binding it.
 *
 * Below 32768 on purpose: Temporal's SQL schema stores a service's membership port in a SMALLINT
 * column (`cluster_membership.rpc_port`), so a port the kernel hands out for port 0 (Linux's
 * ephemeral range starts at 32768) makes the service die at start with "value … is out of range
 * for type smallint"; and ports outside the ephemeral range are not taken by outgoing connections.
 * All are held open until every one is found, so none is handed out twice; another process may
 * still take one before its user binds it (rare; the caller's start then fails loudly).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count * 50) throw new Error(`No ${count} free ports found in 10000-32767.`);
      const port = 10_000 + Math.floor(Math.random() * (32_767 - 10_000));
      if (ports.includes(port)) continue;
      const server = net.createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (!bound) continue;
      servers.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
