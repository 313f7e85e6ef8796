import { describeSecretFuzzing } from './describeSecretFuzzing.js';

// Hostile secret values, generated, for each function the threat model covers, rotated by the built
// functions on the local stack against a real Postgres and token service. A fixed seed keeps the main
// suite deterministic; test/reliability/fuzzSecrets.test.ts runs more cases from any seed.

const SEED = 20261206;

describeSecretFuzzing({ seed: SEED, runs: 40, replay: `fixed in fuzzSecrets.test.ts` });
