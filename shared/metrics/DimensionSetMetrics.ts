import { Metrics } from '@aws-lambda-powertools/metrics';

type EmfOutput = ReturnType<Metrics['serializeMetrics']>;
/** Typed by Powertools as a one-set tuple, though EMF takes any number of sets. */
type DimensionNames = EmfOutput['_aws']['CloudWatchMetrics'][number]['Dimensions'];

/**
 * Powertools' `Metrics`, writing one record under several dimension sets that share dimensions.
 *
 * Metrics 2.36 checks every record for a key defined by two of its sources (the default dimensions,
 * the `addDimension` ones, each `addDimensions` set) and logs a WARN for each, though sets that
 * share a dimension with the same value are what EMF expects. No mix of those sources writes
 * `function, outcome`; `function, step, outcome`; `function, step, outcome, errorClass` without
 * defining `step` twice, so the values go in as one set, and the record names its sets here.
 */
export class DimensionSetMetrics extends Metrics {
  /** The names of the sets of the record being written; `undefined` leaves Powertools' own. */
  #dimensionNames: string[][] | undefined;

  /**
   * Writes the stored metrics, and clears them, as `publishStoredMetrics` does, under exactly
   * `dimensionSets`, in their order. A dimension in several sets must have the same value in each.
   * Default dimensions are not added to the sets: clear them (Powertools sets `service`) first.
   */
  publishWithDimensionSets(dimensionSets: ReadonlyArray<Readonly<Record<string, string>>>): void {
    const values: Record<string, string> = {};
    for (const set of dimensionSets) {
      for (const [name, value] of Object.entries(set)) {
        if (Object.hasOwn(values, name) && values[name] !== value) {
          throw new Error(`Dimension "${name}" has a different value in two dimension sets`);
        }
        values[name] = value;
      }
    }
    // Powertools skips (and warns about) a blank value; no set may name what the record lacks.
    this.addDimensions(values);
    this.#dimensionNames = dimensionSets.map((set) =>
      Object.entries(set).flatMap(([name, value]) => (value.trim() === '' ? [] : [name])),
    );
    try {
      this.publishStoredMetrics();
    } finally {
      this.#dimensionNames = undefined;
    }
  }

  override serializeMetrics(): EmfOutput {
    const output = super.serializeMetrics();
    const names = this.#dimensionNames;
    if (names === undefined) return output;
    const directives = output._aws.CloudWatchMetrics.map((directive) => ({
      ...directive,
      Dimensions: names.map((set) => [...set]) as DimensionNames,
    }));
    return { ...output, _aws: { ...output._aws, CloudWatchMetrics: directives } };
  }
}
