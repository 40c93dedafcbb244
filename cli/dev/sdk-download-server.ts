import * as fs from 'node:fs';
import type { DevServer, ResolvedOptions } from './dev-server-options';
import { processCommandLine } from './dev-server-process';
import { formatAddress } from './ports';
import { registerSearchAttributes } from './search-attributes';
import { temporalCliDownloadDir, TemporalCliNotFoundError } from './temporal-binary';

// The last-resort dev server: @temporalio/testing downloads the Temporal CLI and runs it in this process.

/** Pid of a child process of this process running `start-dev` on `port` (Linux only). */
function findSdkServerPid(port: number): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const commandLine = processCommandLine(Number(entry)) ?? '';
      if (commandLine.includes('start-dev') && commandLine.includes(String(port))) return Number(entry);
    } catch {
      // raced with an exiting process
    }
  }
  return null;
}

/** Last resort: let `@temporalio/testing` download the CLI and run the server in this process. */
export async function startWithSdkDownload(o: ResolvedOptions, notFound: TemporalCliNotFoundError): Promise<DevServer> {
  o.log('No local Temporal CLI; trying to download one through @temporalio/testing (set STRATUM_TEMPORAL_CLI_DOWNLOAD=0 to disable)…');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const extraArgs: string[] = [];
  for (const declaration of o.searchAttributes) extraArgs.push('--search-attribute', declaration);
  for (const [key, value] of Object.entries(o.dynamicConfig)) {
    extraArgs.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  let env: Awaited<ReturnType<typeof TestWorkflowEnvironment.createLocal>>;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: temporalCliDownloadDir(), ttl: '30d' },
        ip: o.ip,
        port: o.port,
        ui: o.uiPort !== null,
        ...(o.uiPort !== null ? { uiPort: o.uiPort } : {}),
        namespace: o.namespace,
        ...(o.dbFile !== null ? { dbFilename: o.dbFile } : {}),
        log: { format: 'pretty', level: o.logLevel },
        extraArgs,
      },
    });
  } catch (error) {
    throw new TemporalCliNotFoundError(
      `${notFound.message.split('\n')[0]?.replace(/^\[[A-Z_]+\] No Temporal CLI binary is available: /, '')} ` +
        `The download fallback failed too (${error instanceof Error ? error.message : String(error)}); it needs internet access.`,
      { cause: error },
    );
  }
  const address = formatAddress(o.connectHost, o.port);
  try {
    await registerSearchAttributes(address, o.namespace, o.searchAttributes, o.log);
  } catch (error) {
    await env.teardown().catch(() => undefined);
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    address,
    uiUrl: o.uiPort === null ? null : `http://${formatAddress(o.connectHost, o.uiPort)}`,
    namespace: o.namespace,
    pid: findSdkServerPid(o.port),
    dbFile: o.dbFile,
    stop(): Promise<void> {
      stopping ??= env.teardown();
      return stopping;
    },
  };
}
