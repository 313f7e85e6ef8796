import type { SecretState } from '../../cli/SecretState.js';
import { type StatusContext, type StatusReport, statusOf } from '../../cli/statusOf.js';
import type { checkBothCredentials } from '../../cli/verifyCredential.js';
import type { RotationEventRecord, RotationRecord } from '../runner/RotationRecord.js';
import type { ConsoleEvent, ConsoleRotation, ConsoleSecret, ConsoleState } from './ConsoleState.js';
import { mapLimit } from './mapLimit.js';

/** A secret the endpoint holds, by what locates it; never its record (which carries its values). */
export interface SecretLocation {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
}

export interface ConsoleSources {
  readonly endpoint: string;
  /** The age after which a pending version counts as stuck. */
  readonly stuckAfterMinutes: number;
  secrets(): readonly SecretLocation[];
  /** A client signed for `region`, and the environment a credential check gets there. */
  context(region: string): StatusContext;
  rotations(secretArn: string): readonly RotationRecord[];
  events(): readonly RotationEventRecord[];
  /** Defaults to checking both credentials every time, as the CLI does. */
  readonly checkCredentials?: typeof checkBothCredentials;
  now(): Date;
}

/** Per secret, at most this many of the newest rotations and events: a page polled every second. */
const ROTATIONS_SHOWN = 10;
const EVENTS_SHOWN = 20;
/** Secrets read at once: each is a few requests to the endpoint this runs beside. */
const CONCURRENCY = 8;

const iso = (date: Date | undefined): string | null => date?.toISOString() ?? null;

function rotationOf(record: RotationRecord): ConsoleRotation {
  return {
    versionId: record.versionId,
    kind: record.kind,
    trigger: record.trigger,
    outcome: record.outcome,
    startedAt: record.startedAt,
    endedAt: record.endedAt ?? null,
    attempts: record.attempts,
    steps: record.steps.map((step) => ({
      step: step.step,
      attempt: step.attempt,
      startedAt: step.startedAt,
      durationMs: step.durationMs,
      outcome: step.outcome,
      error: step.errorType === undefined ? null : { type: step.errorType, message: step.errorMessage ?? '' },
    })),
    error: record.error === undefined ? null : { type: record.error.type, message: record.error.message },
  };
}

function eventOf(event: RotationEventRecord): ConsoleEvent {
  return {
    time: event.time,
    eventName: event.detail.eventName,
    versionId: event.detail.additionalEventData.VersionId ?? null,
    errorMessage: event.detail.errorMessage ?? null,
  };
}

function configurationOf(state: SecretState): Pick<ConsoleSecret, 'rotation' | 'versions'> {
  return {
    rotation: {
      enabled: state.rotationEnabled,
      functionArn: state.rotationFunctionArn ?? null,
      schedule: state.schedule ?? null,
      lastRotatedAt: iso(state.lastRotatedAt),
      nextRotationAt: iso(state.nextRotationAt),
    },
    versions: state.versions.map((v) => ({
      versionId: v.versionId,
      stages: [...v.stages],
      createdAt: iso(v.createdAt),
    })),
  };
}

function healthOf(
  report: StatusReport,
): Pick<ConsoleSecret, 'health' | 'summary' | 'fixes' | 'lockout' | 'credentials'> {
  const { diagnosis, credentials } = report;
  return {
    health: diagnosis.health,
    summary: diagnosis.summary,
    fixes: [...diagnosis.fixes],
    lockout: diagnosis.lockout,
    credentials:
      credentials === undefined
        ? null
        : {
            target: credentials.target,
            current: { works: credentials.current.works, reason: credentials.current.reason },
            pending: { works: credentials.pending.works, reason: credentials.pending.reason },
          },
  };
}

/**
 * Everything the console shows, for every secret in every Region the endpoint holds: the
 * configuration and versions through the real API, the diagnosis from the CLI's own statusOf (so
 * the page and `secrets-rotation status` cannot disagree), and the runner's rotations and events.
 */
export async function buildConsoleState(sources: ConsoleSources): Promise<ConsoleState> {
  const events = sources.events();
  const secrets = [...sources.secrets()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.region.localeCompare(b.region),
  );
  const shown = await mapLimit(secrets, CONCURRENCY, async (secret): Promise<ConsoleSecret> => {
    const history = {
      rotations: sources.rotations(secret.arn).slice(-ROTATIONS_SHOWN).map(rotationOf),
      events: events
        .filter((event) => event.resources.includes(secret.arn))
        .slice(-EVENTS_SHOWN)
        .map(eventOf),
    };
    try {
      const report = await statusOf(
        sources.context(secret.region),
        secret.arn,
        sources.stuckAfterMinutes,
        sources.checkCredentials,
      );
      return {
        region: secret.region,
        name: report.state.name,
        arn: report.state.arn,
        ...configurationOf(report.state),
        ...healthOf(report),
        ...history,
      };
    } catch (error) {
      // Deleted or changed between the listing and the read: shown as unknown until the next poll.
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
      return {
        region: secret.region,
        name: secret.name,
        arn: secret.arn,
        rotation: {
          enabled: false,
          functionArn: null,
          schedule: null,
          lastRotatedAt: null,
          nextRotationAt: null,
        },
        versions: [],
        health: 'unknown',
        summary: `could not be read: ${reason}`,
        fixes: [],
        lockout: false,
        credentials: null,
        ...history,
      };
    }
  });
  return {
    generatedAt: sources.now().toISOString(),
    endpoint: sources.endpoint,
    stuckAfterMinutes: sources.stuckAfterMinutes,
    secrets: shown,
  };
}
