import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../local/endpoint/AwsServiceError.js';
import { nextRotationTime } from '../../../local/endpoint/rotationSchedule.js';

const at = (iso: string) => Date.parse(iso);

describe('nextRotationTime', () => {
  it('adds AutomaticallyAfterDays and rate() intervals', () => {
    expect(nextRotationTime({ AutomaticallyAfterDays: 30 }, at('2026-01-01T10:00:00Z'))).toBe(
      at('2026-01-31T10:00:00Z'),
    );
    expect(nextRotationTime({ ScheduleExpression: 'rate(6 hours)' }, at('2026-01-01T10:00:00Z'))).toBe(
      at('2026-01-01T16:00:00Z'),
    );
    expect(nextRotationTime({ ScheduleExpression: 'rate(1 day)' }, at('2026-01-01T10:00:00Z'))).toBe(
      at('2026-01-02T10:00:00Z'),
    );
  });

  it('finds the next match of an AWS cron expression in UTC', () => {
    // 08:00 on the first of every month
    expect(nextRotationTime({ ScheduleExpression: 'cron(0 8 1 * ? *)' }, at('2026-01-01T09:00:00Z'))).toBe(
      at('2026-02-01T08:00:00Z'),
    );
    // Sundays (1 = SUN) at 04:30
    expect(nextRotationTime({ ScheduleExpression: 'cron(30 4 ? * SUN *)' }, at('2026-01-01T00:00:00Z'))).toBe(
      at('2026-01-04T04:30:00Z'),
    );
    // every 6 hours on weekdays
    expect(
      nextRotationTime({ ScheduleExpression: 'cron(0 */6 ? * MON-FRI *)' }, at('2026-01-02T19:00:00Z')),
    ).toBe(at('2026-01-05T00:00:00Z'));
    // the last day of the month
    expect(nextRotationTime({ ScheduleExpression: 'cron(0 0 L * ? *)' }, at('2026-02-01T00:00:00Z'))).toBe(
      at('2026-02-28T00:00:00Z'),
    );
    // a given year only
    expect(
      nextRotationTime({ ScheduleExpression: 'cron(0 12 15 JUN ? 2027)' }, at('2026-01-01T00:00:00Z')),
    ).toBe(at('2027-06-15T12:00:00Z'));
  });

  it.each([
    'cron(0 8 1 * * *)',
    'cron(0 8 ? * ? *)',
    'cron(0 25 1 * ? *)',
    'cron(0 8 1 * ?)',
    'cron(0 8 30 FEB ? 2026)',
    'rate(3 hours)',
    'rate(1001 days)',
    'rate(5 weeks)',
  ])('refuses %s with InvalidParameterException', (expression) => {
    let caught: unknown;
    try {
      nextRotationTime({ ScheduleExpression: expression }, at('2026-01-01T00:00:00Z'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsServiceError);
    expect((caught as AwsServiceError).type).toBe('InvalidParameterException');
  });
});
