import { type LocalPostgres, startLocalPostgres } from '../../local/postgres/startLocalPostgres.js';
import { auditOutput } from '../../testing/leaks/leakAudit.js';

export type TestPostgres = LocalPostgres;

/**
 * A fresh, temporary Postgres for one test file (removed on close). Its log holds every statement
 * it ran, so it joins the suite's leak check: a password sent in clear text would show there.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const server = await startLocalPostgres({ port: 0 });
  return {
    ...server,
    async close() {
      auditOutput(server.serverLog());
      await server.close();
    },
  };
}
