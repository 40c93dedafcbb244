import { useEffect, useState } from 'preact/hooks';

/** Fetches a JSON route of the UI server; rejects with the server's error message. */
export async function api<T = any>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api/${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body as T;
}

/** POSTs an action (pause, resume, cancel). */
export function action<T = any>(path: string): Promise<T> {
  return api<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
}

/** Loads a route, again whenever `path` changes or `reload` is called. */
export function useApi<T = any>(path: string | null, refreshMs = 0): { data: T | null; error: string | null; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    api<T>(path).then(
      (data) => live && setState({ data, error: null }),
      (error: Error) => live && setState((s) => ({ data: s.data, error: error.message })),
    );
    const timer = refreshMs > 0 ? setTimeout(() => setTick((t) => t + 1), refreshMs) : null;
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [path, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** The current `#/...` route, split into parts. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const listener = () => setRoute(read());
    addEventListener('hashchange', listener);
    return () => removeEventListener('hashchange', listener);
  }, []);
  return route;
}

/** `#/assets/<key>` and the like. */
export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

export const time = (ms: number | null | undefined): string => (ms ? new Date(ms).toLocaleString() : '–');

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
