import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { recordFigures } from '../../support/recordFigures.js';
import { checkInvariants } from './checkInvariants.js';
import { hostilePostgresSecret } from './hostilePostgresSecret.js';
import type { HostileSecret } from './hostileSecret.js';
import { hostileTokenSecret } from './hostileTokenSecret.js';
import { OutcomeTally } from './OutcomeTally.js';
import { FUZZED_FUNCTIONS, type FuzzedFunction, runFuzzCase } from './runFuzzCase.js';
import { type FuzzEnvironment, startFuzzEnvironment } from './startFuzzEnvironment.js';

export interface SecretFuzzing {
  /** The first function's seed; each next function's is one more, so no two see the same cases. */
  readonly seed: number;
  /** Cases per function. */
  readonly runs: number;
  /** Printed with every summary: how to run the same cases again. */
  readonly replay: string;
}

function arbitraryFor(fn: FuzzedFunction, env: FuzzEnvironment): fc.Arbitrary<HostileSecret> {
  const attacker = {
    host: new URL(env.attacker.origin).hostname,
    port: Number(new URL(env.attacker.origin).port),
    origin: env.attacker.origin,
  };
  if (fn === 'api-token') {
    return hostileTokenSecret({
      tokenServiceUrl: env.tokens.url,
      adminArn: env.admin.arn,
      masterArn: env.master.arn,
      victimTokenIds: env.victimTokens.map((t) => t.id),
      attacker,
    });
  }
  return hostilePostgresSecret({
    host: 'localhost',
    port: env.pg.port,
    own: env.own,
    clone: env.clone,
    victims: env.victims.map((v) => v.username),
    masterUsername: env.master.username,
    superuser: env.pg.superuser.username,
    masterArn: env.master.arn,
    adminArn: env.admin.arn,
    otherDatabase: env.otherDatabase,
    attacker,
  });
}

/**
 * One property per function, over one shared environment: every generated secret is rotated by the
 * built function, and every invariant is checked after every case. A broken invariant ends the run
 * at once (no shrinking: each case is a real rotation), printing the seed, the path and the case.
 */
export function describeSecretFuzzing(options: SecretFuzzing): void {
  let env: FuzzEnvironment | undefined;

  beforeAll(async () => {
    env = await startFuzzEnvironment();
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  describe.each(FUZZED_FUNCTIONS.map((fn, index) => [fn, options.seed + index] as const))(
    '%s',
    (fn, seed) => {
      it(
        `${options.runs} hostile secrets: each rotates or is refused with a named error, and every invariant holds`,
        async () => {
          if (env === undefined) throw new Error('the fuzz environment did not start');
          const running = env;
          // A failed property of another function may have broken a login: each property starts clean.
          await running.restoreLogins();
          const tally = new OutcomeTally();
          const started = performance.now();
          try {
            await fc.assert(
              fc.asyncProperty(arbitraryFor(fn, running), async (secret) => {
                const result = await runFuzzCase(running, fn, secret, tally.cases + 1);
                tally.record(result.outcome);
                const problems = await checkInvariants(running, result);
                if (problems.length > 0) {
                  const outcome = result.outcome.rotated ? 'rotated' : `refused at ${result.outcome.step}`;
                  throw new Error(`${outcome}; broken:\n  - ${problems.join('\n  - ')}`);
                }
              }),
              { seed, numRuns: options.runs, endOnFailure: true },
            );
          } finally {
            const seconds = ((performance.now() - started) / 1000).toFixed(1);
            process.stdout.write(
              `secret fuzzing ${fn} (fast-check seed ${seed}; ${options.replay}), ${seconds} s: ${tally.summary()}\n`,
            );
          }
          // Reached only when every case held every invariant.
          recordFigures('secret-fuzzing', {
            function: fn,
            seed,
            cases: tally.cases,
            rotated: tally.rotated,
            refusedBy: tally.refusals(),
          });
        },
        60_000 + options.runs * 5_000,
      );
    },
  );
}
