import * as net from 'node:net';
import { StratumError } from '../../sdk/errors';

/** The port the dev server should listen on is taken by another process. */
export class DevServerPortInUseError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_SERVER_PORT_IN_USE';

  constructor(
    readonly host: string,
    readonly port: number,
    what: 'gRPC' | 'web UI',
  ) {
    super(
      `[STRATUM_DEV_SERVER_PORT_IN_USE] Cannot start the Temporal dev server: ${what} port ${port} on ${host} is already in use. ` +
        (what === 'gRPC'
          ? `If a Temporal server is already running there, set TEMPORAL_ADDRESS=${formatAddress(host, port)} to use it; otherwise stop the process holding the port or choose another port.`
          : 'Stop the process holding the port, choose another UI port, or run headless.'),
    );
    this.name = 'DevServerPortInUseError';
  }
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Split `host:port` / `[v6]:port` / `host` (port 7233). */
export function parseAddress(address: string): { host: string; port: number } {
  const trimmed = address.trim().replace(/^[a-z]+:\/\//i, '');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (v6) return { host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : 7233 };
  const colon = trimmed.lastIndexOf(':');
  if (colon > 0 && trimmed.indexOf(':') === colon) {
    return { host: trimmed.slice(0, colon), port: Number(trimmed.slice(colon + 1)) };
  }
  return { host: trimmed, port: 7233 };
}

/** Whether a TCP connection to `host:port` can be opened within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port that was free on `host` a moment ago (the OS picks it). */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not pick a free port on ${host}`))));
    });
  });
}

/** Whether `port` on `host` can be listened on right now. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
