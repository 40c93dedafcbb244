// The messages `stratum dev` and its worker process exchange over the IPC channel (see
// reload-supervisor.ts and reload-child.ts).

/** Worker process to `stratum dev`. */
export type DevWorkerMessage =
  /** The definitions loaded and the worker is built (not polling yet); `files` are the ones to watch. */
  | { type: 'ready'; assets: number; steps: number; files: string[] }
  /** Loading the definitions (or building the worker) failed; the process exits. */
  | { type: 'load-error'; message: string }
  /** The worker polls its task queue. */
  | { type: 'polling'; taskQueue: string; address: string; namespace: string };

/** `stratum dev` to its worker process. */
export type DevSupervisorMessage = { type: 'start' } | { type: 'shutdown' };

/** Environment variable that makes `stratum dev` run as the worker process of another `stratum dev`. */
export const DEV_WORKER_ENV = 'STRATUM_DEV_WORKER_PROCESS';
