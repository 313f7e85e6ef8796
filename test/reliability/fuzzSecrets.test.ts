import { describeSecretFuzzing } from '../security/fuzz/describeSecretFuzzing.js';

// The secret fuzzing of the security suite (test/security/fuzz/) with five times the cases. FUZZ_SEED
// picks other cases (every summary prints it, so a failing run can be replayed); FUZZ_RUNS sets how
// many per function.

const SEED = Number(process.env['FUZZ_SEED'] ?? '20261207');
const RUNS = Number(process.env['FUZZ_RUNS'] ?? '200');

describeSecretFuzzing({ seed: SEED, runs: RUNS, replay: `replay with FUZZ_SEED=${SEED}` });
