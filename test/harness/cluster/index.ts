/**
 * A real Temporal cluster for tests and benchmarks: temporal-server v1.29.1 on PostgreSQL, its
 * four services as separate processes, and `stratum worker` processes. See {@link startTemporalCluster}.
 */
export { startTemporalCluster, ClusterStartError, type TemporalCluster, type TemporalClusterOptions, type ClusterStartTimings } from './start-cluster';
export { findOrBuildTemporalServer, cachedTemporalServerDir, TEMPORAL_SERVER_VERSION, TemporalServerBuildError, type TemporalServerBinaries } from './server-binaries';
export { TEMPORAL_SERVICES, type TemporalService } from './server-config';
export { ServiceProcess } from './service-process';
export { StratumWorkerProcess } from './worker-process';
