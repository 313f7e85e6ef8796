import { type LocalPostgres, startLocalPostgres } from '../../local/postgres/startLocalPostgres.js';

export type TestPostgres = LocalPostgres;

/** A fresh, temporary Postgres for one test file (removed on close). */
export function startTestPostgres(): Promise<TestPostgres> {
  return startLocalPostgres({ port: 0 });
}
