import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_AWS_ERROR_NAMES,
  PROJECT_ERROR_CLASSES,
  UNEXPECTED_ERROR_CLASS,
} from '../../../shared/metrics/errorClassOf.js';
import {
  DEFAULT_METRICS_NAMESPACE,
  DIMENSIONS,
  METRICS,
  OUTCOMES,
  STEP_VALUES,
} from '../../../shared/metrics/metricNames.js';

const doc = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
const tableRow = (first: string) => doc.split('\n').find((line) => line.startsWith(`| \`${first}\``));

describe('docs/observability.md', () => {
  it('lists every metric with its unit, and the default namespace', () => {
    expect(doc).toContain(`\`${DEFAULT_METRICS_NAMESPACE}\``);
    for (const { name, unit } of Object.values(METRICS)) {
      expect(tableRow(name), name).toBeDefined();
      expect(tableRow(name)?.split('|')[2]?.trim(), name).toBe(unit);
    }
  });

  it('lists every dimension and every value it can take', () => {
    for (const dimension of Object.values(DIMENSIONS)) expect(tableRow(dimension), dimension).toBeDefined();
    for (const value of [...STEP_VALUES, ...OUTCOMES]) expect(doc).toContain(`\`${value}\``);
    for (const name of [...PROJECT_ERROR_CLASSES, ...KNOWN_AWS_ERROR_NAMES, UNEXPECTED_ERROR_CLASS]) {
      expect(doc, name).toContain(`\`${name}\``);
    }
  });
});
