import { describe, expect, it } from 'vitest';
import { fleetChart } from '../../../scripts/bench/fleetChart.js';

describe('fleet chart', () => {
  it('draws one labelled line per fleet, ending at its last rotation', () => {
    const svg = fleetChart([
      { label: '3 secrets', finishedAtMs: [300, 100, 200] },
      { label: '2 secrets', finishedAtMs: [1000, 500] },
    ]);

    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('3 secrets');
    expect(svg).toContain('seconds since the first RotateSecret (0 – 1.0)');
    expect(svg).toContain('rotations completed (0 – 3)');
    // Points are in time order, so each line only rises.
    const first =
      /points="([^"]+)"/
        .exec(svg)?.[1]
        ?.split(' ')
        .map((p) => Number(p.split(',')[0])) ?? [];
    expect(first).toEqual([...first].sort((a, b) => a - b));
  });
});
