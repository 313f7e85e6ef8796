import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { DimensionSetMetrics } from '../../../shared/metrics/DimensionSetMetrics.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import { emfRecords } from '../../support/emfRecords.js';

const output = useCapturedOutput();

function sink() {
  const logger = new Logger({ serviceName: 'dimension-set-test' });
  const warn = vi.spyOn(logger, 'warn');
  const metrics = new DimensionSetMetrics({ namespace: 'DimensionSetTest', logger });
  metrics.clearDefaultDimensions();
  return { metrics, warn };
}

const records = () => emfRecords(output.text());

describe('DimensionSetMetrics', () => {
  it('writes one record under exactly the sets given, each value once, without a warning', () => {
    const { metrics, warn } = sink();
    metrics.addMetric('Things', 'Count', 1);

    metrics.publishWithDimensionSets([{ a: '1' }, { a: '1', b: '2' }, { a: '1', b: '2', c: '3' }]);

    expect(warn).not.toHaveBeenCalled();
    expect(records()).toHaveLength(1);
    expect(records()[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['a'], ['a', 'b'], ['a', 'b', 'c']]);
    expect(records()[0]).toMatchObject({ a: '1', b: '2', c: '3', Things: 1 });
  });

  it('clears what it wrote: the next record has only its own sets, and publishStoredMetrics keeps Powertools ones', () => {
    const { metrics } = sink();
    metrics.addMetric('Things', 'Count', 1);
    metrics.publishWithDimensionSets([{ a: '1' }, { a: '1', b: '2' }]);

    metrics.addMetric('Things', 'Count', 2);
    metrics.addDimensions({ z: '9' });
    metrics.publishStoredMetrics();

    expect(records().map((r) => r._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([
      [['a'], ['a', 'b']],
      [['z']],
    ]);
    expect(records()[1]).not.toHaveProperty('a');
  });

  it('refuses sets that give a dimension two values, and writes nothing', () => {
    const { metrics } = sink();
    metrics.addMetric('Things', 'Count', 1);

    expect(() => metrics.publishWithDimensionSets([{ a: '1' }, { a: '2' }])).toThrow(
      'Dimension "a" has a different value in two dimension sets',
    );

    expect(records()).toEqual([]);
  });

  it('names no dimension Powertools skipped for a blank value', () => {
    const { metrics, warn } = sink();
    metrics.addMetric('Things', 'Count', 1);

    metrics.publishWithDimensionSets([{ a: '1' }, { a: '1', b: ' ' }]);

    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining("The dimension b doesn't meet the requirements"),
    );
    expect(records()[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['a'], ['a']]);
    expect(records()[0]).not.toHaveProperty('b');
  });
});
