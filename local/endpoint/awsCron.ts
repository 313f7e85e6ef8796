import { invalidParameter } from './AwsServiceError.js';

/** The allowed values of each field of an AWS six-field cron expression, in UTC. */
export interface CronExpression {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** undefined: `?` (the other day field decides) */
  readonly daysOfMonth: ReadonlySet<number> | 'L' | undefined;
  readonly months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday, as AWS numbers them */
  readonly daysOfWeek: ReadonlySet<number> | undefined;
  readonly years: ReadonlySet<number> | undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function bad(field: string): never {
  throw invalidParameter(`The cron() rotation schedule has an invalid ${field} field.`);
}

function parseField(
  text: string,
  field: string,
  min: number,
  max: number,
  names: string[] = [],
): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named === -1 ? Number(token) : named + min;
    if (!Number.isInteger(n) || n < min || n > max || token === '') bad(field);
    return n;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) bad(field);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    if (to < from) bad(field);
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

export function parseCron(body: string): CronExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) bad('number of');
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?')) bad('day-of-month/day-of-week (exactly one must be ?)');
  return {
    minutes: parseField(min, 'minutes', 0, 59),
    hours: parseField(hour, 'hours', 0, 23),
    daysOfMonth: dom === '?' ? undefined : dom === 'L' ? 'L' : parseField(dom, 'day-of-month', 1, 31),
    months: parseField(month, 'month', 1, 12, MONTHS),
    daysOfWeek: dow === '?' ? undefined : parseField(dow, 'day-of-week', 1, 7, DAYS),
    years: year === '*' ? undefined : parseField(year, 'year', 1970, 2199),
  };
}

function dayMatches(cron: CronExpression, date: Date): boolean {
  if (cron.daysOfWeek !== undefined) return cron.daysOfWeek.has(date.getUTCDay() + 1);
  if (cron.daysOfMonth === 'L') {
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    return date.getUTCDate() === last;
  }
  return cron.daysOfMonth?.has(date.getUTCDate()) ?? false;
}

/** The first matching minute strictly after `after`; day by day, so a far date costs little. */
export function nextCronTime(cron: CronExpression, after: number): number {
  const start = new Date(after);
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  for (let i = 0; i < 366 * 6; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (cron.years !== undefined && !cron.years.has(day.getUTCFullYear())) continue;
    if (!cron.months.has(day.getUTCMonth() + 1) || !dayMatches(cron, day)) continue;
    for (const hour of [...cron.hours].sort((a, b) => a - b)) {
      for (const minute of [...cron.minutes].sort((a, b) => a - b)) {
        const at = day.getTime() + hour * 3_600_000 + minute * 60_000;
        if (at > after) return at;
      }
    }
  }
  throw invalidParameter('The cron() rotation schedule never matches a date in the next six years.');
}
