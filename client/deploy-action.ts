/**
 * One change `stratum deploy` (and `stratum dev` at start) made to bring the cluster in line with
 * the code: a schedule created, updated or deleted, a sensor started or stopped.
 */
export interface DeployAction {
  kind: 'schedule' | 'sensor';
  name: string;
  action: 'created' | 'updated' | 'deleted' | 'unchanged' | 'started' | 'stopped';
  /** A short human explanation (what changed, why it was stopped…). */
  detail?: string;
}
