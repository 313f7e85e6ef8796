import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDay,
  formatNodeVersion,
  formatSeconds,
} from '../../../scripts/docs/formatCount.js';
import { markdownTable } from '../../../scripts/docs/markdownTable.js';

describe('markdownTable', () => {
  it('renders a header, a separator and one row per item, unpadded', () => {
    const table = markdownTable(['a', 'b'], [[1, 'x']]);

    expect(table).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
  });

  it('escapes pipes and joins lines so a cell cannot break the table', () => {
    const table = markdownTable(['a'], [['x | y\nz']]);

    expect(table.split('\n')[2]).toBe('| x \\| y z |');
  });

  it('refuses a row whose cell count differs from the header', () => {
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow('table row 0 has 1 cells, the header 2');
  });
});

describe('figure formatting', () => {
  it('groups thousands the same way in every locale', () => {
    expect([
      formatCount(0),
      formatCount(999),
      formatCount(1000),
      formatCount(47573),
      formatCount(-1234.5),
    ]).toEqual(['0', '999', '1,000', '47,573', '-1,234.5']);
  });

  it('turns milliseconds into seconds with one decimal', () => {
    expect([formatSeconds(13290), formatSeconds(98667), formatSeconds(1_234_567)]).toEqual([
      '13.3',
      '98.7',
      '1,234.6',
    ]);
  });

  it('takes the day of a timestamp and prints Node versions as node --version does', () => {
    expect(formatDay('2026-11-25T20:10:19.454Z')).toBe('2026-11-25');
    expect(() => formatDay('yesterday')).toThrow('not an ISO 8601 timestamp');
    expect([formatNodeVersion('20.20.2'), formatNodeVersion('v24.22.3')]).toEqual(['v20.20.2', 'v24.22.3']);
  });
});
