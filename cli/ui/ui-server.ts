import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UiApi, UiRequestError, type UiApiSources } from './ui-api';
import { pageAssets } from './page-assets';

/** Options of {@link startUiServer}. */
export interface UiServerOptions extends UiApiSources {
  /** Interface to bind (default 127.0.0.1: only this machine). */
  host?: string;
  /** Port (default 3000; 0 picks a free one). */
  port?: number;
  log?: (line: string) => void;
}

/** A running UI server. */
export interface UiServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts Stratum's web UI: the page at `/` and its JSON API under `/api/`, over the
 * definitions, the catalog and Temporal given.
 *
 * @example
 * const ui = await startUiServer({ definitions: () => defs, catalog, temporal, allowActions: false });
 * console.log(`Stratum UI: ${ui.url}`);
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const page = await pageAssets(options.log ? { log: options.log } : {});
  const api = new UiApi(options);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, 'text/html; charset=utf-8', page.html);
    if (url.pathname === '/app.js') return send(200, 'text/javascript; charset=utf-8', page.js);
    if (!url.pathname.startsWith('/api/')) return send(404, 'text/plain', 'Not found');
    // Actions only from this page: a cross-site form post carries no JSON content type.
    if (req.method === 'POST' && req.headers['content-type'] !== 'application/json') return send(415, 'application/json', JSON.stringify({ error: 'POST with content-type application/json' }));
    api.route(req.method ?? 'GET', url.pathname, url.searchParams).then(
      (body) => send(200, 'application/json', JSON.stringify(body)),
      (error: unknown) => {
        const status = error instanceof UiRequestError ? error.status : 500;
        send(status, 'application/json', JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      },
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
