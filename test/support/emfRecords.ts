/** One CloudWatch embedded metric format record, as Powertools writes it: a JSON line on stdout. */
export interface EmfRecord {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

/** The EMF records among the lines of `output`; log lines and anything else are skipped. */
export function emfRecords(output: string): EmfRecord[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return typeof parsed['_aws'] === 'object' && parsed['_aws'] !== null ? [parsed as EmfRecord] : [];
    } catch {
      return [];
    }
  });
}

/** A metric of a record with what CloudWatch files it under: one entry per dimension set. */
export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: unknown;
  /** Dimension name → value, for one of the record's dimension sets. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Every (metric, dimension set) pair the records define, as CloudWatch would store them. */
export function emittedMetrics(records: readonly EmfRecord[]): EmittedMetric[] {
  return records.flatMap((record) =>
    record._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.flatMap((metric) =>
        directive.Dimensions.map((set) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit,
          value: record[metric.Name],
          dimensions: Object.fromEntries(set.map((name) => [name, String(record[name])])),
        })),
      ),
    ),
  );
}
