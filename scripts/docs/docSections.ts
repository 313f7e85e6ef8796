import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MUTATIONS } from '../security/mutations.js';
import { type AttackSummary, attackTable, parseAttackSummary } from './attackTable.js';
import {
  type BenchResults,
  benchCallsSection,
  benchFleetSection,
  benchFunctionsSection,
  benchHeadlineSection,
  benchImportSection,
  benchRotationSection,
  benchTargetsSection,
  deploySizingSection,
} from './benchTables.js';
import { type ConsumerReport, consumerLoadSection } from './consumerTables.js';
import { mutationTable } from './mutationTable.js';
import { type QuotaReport, quotaFleetSection } from './quotaTables.js';
import {
  faultMatrixSection,
  faultPointsSection,
  type ReliabilityReport,
  reliabilityRunSection,
  reliabilitySuiteSection,
} from './reliabilityTables.js';

/** Everything the generated sections are rendered from. */
export interface DocData {
  readonly bench: BenchResults;
  readonly reliability: ReliabilityReport;
  readonly consumer: ConsumerReport;
  readonly quotas: QuotaReport;
  readonly attacks: readonly AttackSummary[];
}

/** The data files the sections come from, relative to the repository root. */
export const DATA_FILES = {
  bench: 'bench/results.json',
  reliability: 'bench/reliability.json',
  consumer: 'bench/consumer.json',
  quotas: 'bench/quotas.json',
  attacks: 'test/security/corpus',
} as const;

export interface DocSection {
  /** The data file (or folder) the section is rendered from. */
  readonly source: string;
  readonly render: (data: DocData) => string;
}

/** Each generated section by the name its marker gives (`<!-- generated:<name> -->`). */
export const DOC_SECTIONS: Readonly<Record<string, DocSection>> = {
  'bench-functions': { source: DATA_FILES.bench, render: (data) => benchFunctionsSection(data.bench) },
  'bench-rotation': { source: DATA_FILES.bench, render: (data) => benchRotationSection(data.bench) },
  'bench-imports': { source: DATA_FILES.bench, render: (data) => benchImportSection(data.bench) },
  'bench-fleet': { source: DATA_FILES.bench, render: (data) => benchFleetSection(data.bench) },
  'bench-calls': { source: DATA_FILES.bench, render: (data) => benchCallsSection(data.bench) },
  'bench-targets': { source: DATA_FILES.bench, render: (data) => benchTargetsSection(data.bench) },
  'bench-headline': { source: DATA_FILES.bench, render: (data) => benchHeadlineSection(data.bench) },
  'deploy-sizing': { source: DATA_FILES.bench, render: (data) => deploySizingSection(data.bench) },
  'reliability-run': {
    source: DATA_FILES.reliability,
    render: (data) => reliabilityRunSection(data.reliability),
  },
  'fault-matrix': { source: DATA_FILES.reliability, render: (data) => faultMatrixSection(data.reliability) },
  'fault-points': { source: DATA_FILES.reliability, render: (data) => faultPointsSection(data.reliability) },
  'reliability-suite': {
    source: DATA_FILES.reliability,
    render: (data) => reliabilitySuiteSection(data.reliability),
  },
  'quota-fleet': { source: DATA_FILES.quotas, render: (data) => quotaFleetSection(data.quotas) },
  'consumer-load': { source: DATA_FILES.consumer, render: (data) => consumerLoadSection(data.consumer) },
  attacks: { source: `${DATA_FILES.attacks}/*.json`, render: (data) => attackTable(data.attacks) },
  mutations: { source: 'scripts/security/mutations.ts', render: () => mutationTable(MUTATIONS) },
};

function readJson<T>(root: string, path: string, keys: readonly string[]): T {
  const value = JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
  const missing = keys.filter((key) => value[key] === undefined);
  if (missing.length > 0) throw new Error(`${path}: missing ${missing.join(', ')}`);
  return value as T;
}

/** Reads every data file; the attack corpus is read as data, one JSON file per attack. */
export function loadDocData(root: string): DocData {
  const corpus = join(root, DATA_FILES.attacks);
  return {
    bench: readJson(root, DATA_FILES.bench, [
      'measuredAt',
      'machine',
      'bundles',
      'coldStarts',
      'secretsManagerLatencyMs',
      'latency',
      'fleet',
    ]),
    reliability: readJson(root, DATA_FILES.reliability, ['measuredAt', 'machine', 'sections', 'leakCheck']),
    consumer: readJson(root, DATA_FILES.consumer, ['measuredAt', 'node', 'results']),
    quotas: readJson(root, DATA_FILES.quotas, ['measuredAt', 'machine', 'run']),
    attacks: readdirSync(corpus)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) =>
        parseAttackSummary(`${DATA_FILES.attacks}/${file}`, readFileSync(join(corpus, file), 'utf8')),
      ),
  };
}
