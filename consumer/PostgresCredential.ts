/** The connection half of an RDS-format Postgres secret; `password` is secret. */
export interface PostgresCredential {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

/** Reads what RDS, Aurora and the rotation functions store. Errors name the key, never a value. */
export function parsePostgresCredential(secretString: string): PostgresCredential {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(secretString) as Record<string, unknown>;
  } catch {
    throw new Error('The Postgres secret is not valid JSON');
  }
  const text = (key: string, fallback?: string): string => {
    const value = parsed[key] ?? fallback;
    if (typeof value !== 'string' || value.length === 0)
      throw new Error(`The Postgres secret's '${key}' must be a non-empty string`);
    return value;
  };
  const port = Number(parsed['port'] ?? 5432);
  if (!Number.isInteger(port)) throw new Error("The Postgres secret's 'port' must be a number");
  return {
    host: text('host'),
    port,
    username: text('username'),
    password: text('password'),
    dbname: text('dbname', 'postgres'),
  };
}
