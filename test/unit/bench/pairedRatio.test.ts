import { describe, expect, it } from 'vitest';
import { pairedRatio } from '../../../scripts/bench/pairedRatio.js';

describe('pairedRatio', () => {
  it('is the ratio of the p50s, with an interval around it', () => {
    const single = [100, 102, 98, 130, 101, 99, 103, 97, 100, 101];
    const alternating = single.map((ms, i) => ms + 4 + (i % 3));
    const result = pairedRatio(alternating, single);
    expect(result.pairs).toBe(10);
    expect(result.ratio).toBeCloseTo(105 / 100, 5);
    expect(result.low).toBeLessThanOrEqual(result.ratio);
    expect(result.high).toBeGreaterThanOrEqual(result.ratio);
    expect(result.high - result.low).toBeGreaterThan(0);
  });

  it('gives no spread when every round is the same', () => {
    expect(pairedRatio([110, 110, 110], [100, 100, 100])).toEqual({
      ratio: 1.1,
      low: 1.1,
      high: 1.1,
      pairs: 3,
    });
  });

  it('widens with noisier rounds, and is the same every time for the same samples', () => {
    const base = Array.from({ length: 50 }, (_, i) => 100 + (i % 7));
    const steady = pairedRatio(
      base.map((ms) => ms * 1.04),
      base,
    );
    const noisy = pairedRatio(
      base.map((ms, i) => ms * 1.04 + (i % 2 === 0 ? 9 : -9)),
      base,
    );
    expect(noisy.high - noisy.low).toBeGreaterThan(steady.high - steady.low);
    expect(
      pairedRatio(
        base.map((ms, i) => ms + (i % 5)),
        base,
      ),
    ).toEqual(
      pairedRatio(
        base.map((ms, i) => ms + (i % 5)),
        base,
      ),
    );
  });

  it('leaves out a round either side has no time for, and refuses rounds that do not line up', () => {
    expect(pairedRatio([110, null, 121, 110], [100, 100, null, 100])).toMatchObject({
      ratio: 1.1,
      pairs: 2,
    });
    expect(() => pairedRatio([110, 110], [100])).toThrow(/must line up: 2 rounds against 1/);
    expect(() => pairedRatio([null], [100])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });
});
