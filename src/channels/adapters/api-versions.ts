/**
 * The API versions Chorus speaks to LinkedIn and to Meta's Graph API, and when each stops being
 * served. Both networks retire versions on a calendar: an operator sets the version in the
 * environment, Chorus warns (log at start-up, `/health`) while there is time to move, and says in
 * plain words when a network refuses it.
 */

const DAY_MS = 86_400_000;
/** Warn this long before a version stops being served. */
export const VERSION_WARNING_DAYS = 60;

/**
 * LinkedIn (learn.microsoft.com/linkedin/marketing/versioning): monthly versions `YYYYMM`, each
 * served for at least a year; the migrations page dates each sunset in the middle of the month a
 * year after release (202511 → 16 November 2026, 202601 → 15 January 2027).
 */
export const DEFAULT_LINKEDIN_API_VERSION = '202607';

/**
 * Meta Graph (developers.facebook.com/docs/graph-api/changelog/versions): once expired, Graph runs
 * calls on its oldest usable version instead, silently. Dates from the changelog; null: not
 * announced yet (at least two years after release).
 */
export const DEFAULT_META_GRAPH_VERSION = 'v25.0';
export const META_GRAPH_VERSION_ENDS: Readonly<Record<string, string | null>> = {
  'v20.0': '2026-09-24',
  'v21.0': '2027-01-21',
  'v22.0': '2027-05-20',
  'v23.0': '2027-10-08',
  'v24.0': '2028-02-18',
  'v25.0': '2028-07-29',
  'v26.0': null,
};
const OLDEST_LISTED_GRAPH_VERSION = 20;

export interface ApiVersionStatus {
  network: 'linkedin' | 'meta';
  version: string;
  /** When the network stops serving it, when known. */
  endsAt: Date | null;
  state: 'ok' | 'ends_soon' | 'ended';
  /** For operators, absent when state is ok. */
  warning?: string;
}

/** The day LinkedIn stops serving `version` (the 15th of the same month a year later). */
export function linkedInVersionSunset(version: string): Date {
  const year = Number(version.slice(0, 4));
  const month = Number(version.slice(4, 6));
  return new Date(Date.UTC(year + 1, month - 1, 15));
}

export function linkedInVersionStatus(version: string, now: Date = new Date()): ApiVersionStatus {
  const endsAt = linkedInVersionSunset(version);
  return status('linkedin', version, endsAt, now, 'LINKEDIN_API_VERSION', 'LinkedIn', 'LinkedIn answers 426 to every call');
}

export function metaGraphVersionStatus(version: string, now: Date = new Date()): ApiVersionStatus {
  const listed = META_GRAPH_VERSION_ENDS[version];
  const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
  const endsAt = listed ? new Date(`${listed}T00:00:00Z`) : listed === undefined && major < OLDEST_LISTED_GRAPH_VERSION ? new Date(0) : null;
  return status('meta', version, endsAt, now, 'META_GRAPH_VERSION', 'Meta\'s Graph API', 'Graph silently runs every call on its oldest version instead, whose behaviour may differ');
}

function status(
  network: ApiVersionStatus['network'],
  version: string,
  endsAt: Date | null,
  now: Date,
  variable: string,
  who: string,
  consequence: string,
): ApiVersionStatus {
  if (!endsAt) return { network, version, endsAt, state: 'ok' };
  const day = endsAt.toISOString().slice(0, 10);
  if (endsAt.getTime() <= now.getTime()) {
    return { network, version, endsAt, state: 'ended', warning: `${who} no longer serves version ${version} (since ${day}): ${consequence}. Set ${variable} to a current version.` };
  }
  if (endsAt.getTime() - now.getTime() <= VERSION_WARNING_DAYS * DAY_MS) {
    return { network, version, endsAt, state: 'ends_soon', warning: `${who} stops serving version ${version} on ${day}: set ${variable} to a newer version before then.` };
  }
  return { network, version, endsAt, state: 'ok' };
}

/** `https://graph.facebook.com` (a trailing `/vNN.N` is dropped: the version is set apart) + `/version`. */
export function graphBaseUrl(base: string, version: string): string {
  return `${base.replace(/\/+$/, '').replace(/\/v\d+\.\d+$/, '')}/${version}`;
}
