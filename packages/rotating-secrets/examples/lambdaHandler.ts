import { createRotatingPool } from '@secrets-rotation/rotating-secrets';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`The environment variable ${name} is not set`);
  return value;
}

// Module scope: one pool per execution environment, reused by every warm invocation, so Powertools'
// cache and the open connection outlive the invocation. Nothing is read or connected until the first
// query. TLS is verify-full against the CA bundle PGSSLROOTCERT names (or NODE_EXTRA_CA_CERTS).
const pool = createRotatingPool(required('DB_SECRET_ID'), {
  // An environment runs one invocation at a time.
  max: 1,
});

export const handler = async (): Promise<{ readonly username: string; readonly time: string }> => {
  const { rows } = await pool.query<{ username: string; time: string }>(
    'SELECT current_user AS username, now()::text AS time',
  );
  const [row] = rows;
  if (row === undefined) throw new Error('The query returned no row');
  return row;
};
