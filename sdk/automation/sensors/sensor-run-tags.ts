/**
 * Tags Stratum puts on the runs that asset sensors, run-status sensors and eager automation
 * request, so such runs can be recognised in `stratum runs list`, the catalog and the plan
 * (the planner uses `SensorRunTags.sensor` to keep a run-status sensor from hearing about its own
 * runs). Pure constants: safe anywhere.
 */
export const SensorRunTags = {
  /** Name of the sensor that requested the run. */
  sensor: 'stratum/sensor',
  /** `eager` on runs started by eager automation. */
  automation: 'stratum/automation',
} as const;
