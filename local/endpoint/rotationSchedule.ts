import { invalidParameter } from './AwsServiceError.js';
import { type CronExpression, nextCronTime, parseCron } from './awsCron.js';
import type { RotationRules } from './SecretRecord.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Schedule =
  | { readonly kind: 'interval'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly cron: CronExpression };

/** Validates RotationRules as RotateSecret does; throws InvalidParameterException naming the field. */
export function parseSchedule(rules: RotationRules): Schedule {
  const { AutomaticallyAfterDays: days, ScheduleExpression: expression, Duration: duration } = rules;
  if (duration !== undefined && !/^([1-9]|1\d|2[0-4])h$/.test(duration)) {
    throw invalidParameter('RotationRules.Duration must be between 1h and 24h, for example 3h.');
  }
  if (days !== undefined && expression !== undefined) {
    throw invalidParameter('You can specify only one of AutomaticallyAfterDays and ScheduleExpression.');
  }
  if (days !== undefined) {
    if (!Number.isInteger(days) || days < 1 || days > 1000) {
      throw invalidParameter('RotationRules.AutomaticallyAfterDays must be a whole number from 1 to 1000.');
    }
    return { kind: 'interval', everyMs: days * DAY };
  }
  if (expression === undefined) {
    throw invalidParameter('RotationRules needs AutomaticallyAfterDays or ScheduleExpression.');
  }
  const rate = /^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$/.exec(expression);
  if (rate !== null) {
    const amount = Number(rate[1]);
    const unit = rate[2]?.startsWith('hour') ? HOUR : DAY;
    const everyMs = amount * unit;
    if (everyMs < 4 * HOUR || everyMs > 1000 * DAY) {
      throw invalidParameter('A rate() rotation schedule must be between 4 hours and 1000 days.');
    }
    return { kind: 'interval', everyMs };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron?.[1] !== undefined) return { kind: 'cron', cron: parseCron(cron[1]) };
  throw invalidParameter('RotationRules.ScheduleExpression must be rate(...) or cron(...).');
}

/** The next rotation after `from` (the last rotation, or when rotation was configured). */
export function nextRotationTime(rules: RotationRules, from: number): number {
  const schedule = parseSchedule(rules);
  return schedule.kind === 'interval' ? from + schedule.everyMs : nextCronTime(schedule.cron, from);
}
