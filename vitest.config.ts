import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages run from their TypeScript source in tests, as tsconfig.json type-checks them.
  // Vitest adds its own conditions for Node to this list.
  ssr: { resolve: { conditions: ['@secrets-rotation/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Type tests (expectTypeOf in *.test-d.ts) are compiled, not run: tsc checks them with the rest.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.typetests.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start servers and child processes; forks keep them isolated per file.
    pool: 'forks',
  },
});
