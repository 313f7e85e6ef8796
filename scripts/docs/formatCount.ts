/** A whole number with thousands separators (`10,335`), the same on every machine and locale. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const [whole = '', fraction] = String(Math.abs(value)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A duration in milliseconds as seconds with one decimal (`13290` → `13.3`). */
export function formatSeconds(milliseconds: number): string {
  return formatCount(Math.round(milliseconds / 100) / 10);
}

/** The day of an ISO 8601 timestamp (`2026-11-25T20:10:19.454Z` → `2026-11-25`). */
export function formatDay(timestamp: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(timestamp)?.[0];
  if (day === undefined) throw new RangeError(`not an ISO 8601 timestamp: ${timestamp}`);
  return day;
}

/** A Node version as `node --version` prints it, whichever form a results file recorded. */
export function formatNodeVersion(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}
