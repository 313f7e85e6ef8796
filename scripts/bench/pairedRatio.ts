import { seededRandom } from '../../testing/seededRandom.js';
import { percentile } from './measureBundles.js';

export interface PairedRatio {
  /** p50 of the numerators over p50 of the denominators. */
  readonly ratio: number;
  /** The 95% bootstrap interval of that ratio, rounds resampled as pairs. */
  readonly low: number;
  readonly high: number;
  readonly pairs: number;
}

/**
 * How far one p50 is from another measured in the same rounds, and how sure that is: round i of
 * `numerators` ran next to round i of `denominators`, so a slow moment of the machine falls on both,
 * and the interval resamples whole rounds (a paired bootstrap) to keep that. A round either side has
 * no time for (`null`: that rotation did not succeed) is left out as a pair.
 */
export function pairedRatio(
  numeratorRounds: readonly (number | null)[],
  denominatorRounds: readonly (number | null)[],
  resamples = 2_000,
): PairedRatio {
  if (numeratorRounds.length !== denominatorRounds.length) {
    throw new RangeError(
      `paired rounds must line up: ${numeratorRounds.length} rounds against ${denominatorRounds.length}`,
    );
  }
  const numerators: number[] = [];
  const denominators: number[] = [];
  numeratorRounds.forEach((numerator, i) => {
    const denominator = denominatorRounds[i];
    if (typeof numerator === 'number' && typeof denominator === 'number') {
      numerators.push(numerator);
      denominators.push(denominator);
    }
  });
  const pairs = numerators.length;
  if (pairs === 0) throw new RangeError('a paired ratio needs at least one round with both times');
  const ratioOf = (rounds: readonly number[]) =>
    percentile(
      rounds.map((i) => numerators[i] as number),
      0.5,
    ) /
    percentile(
      rounds.map((i) => denominators[i] as number),
      0.5,
    );
  const all = Array.from({ length: pairs }, (_, i) => i);
  const random = seededRandom(pairs);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    ratios.push(ratioOf(all.map(() => Math.floor(random() * pairs))));
  }
  ratios.sort((a, b) => a - b);
  return {
    ratio: ratioOf(all),
    low: ratios[Math.floor(0.025 * (resamples - 1))] as number,
    high: ratios[Math.ceil(0.975 * (resamples - 1))] as number,
    pairs,
  };
}
