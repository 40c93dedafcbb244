/**
 * Code locations in Temporal ids. Pure: workflow code imports this file.
 *
 * The default location (a single `defs.ts` without a workspace file) keeps the ids Stratum always
 * used (`stratum/schedule/<name>`, `stratum/sensor/<name>`, `stratum/run/<label>/<id>`); a named
 * location prefixes them with `stratum@<location>/` (`stratum@etl/schedule/web_daily`), so two
 * locations never share an id and a prefix scan of one never finds the other's.
 */

/** Name of the implicit location of a project without a workspace file. */
export const DEFAULT_LOCATION = 'default';

/** The id prefix of a location: `stratum/` for the default one, `stratum@<location>/` otherwise. */
export function locationIdPrefix(location: string | undefined | null): string {
  return !location || location === DEFAULT_LOCATION ? 'stratum/' : `stratum@${location}/`;
}

/** True for a named (non-default) location. */
export function isNamedLocation(location: string | undefined | null): location is string {
  return !!location && location !== DEFAULT_LOCATION;
}
