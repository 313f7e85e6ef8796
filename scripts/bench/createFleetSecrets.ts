import type { LocalPostgres } from '../../local/postgres/startLocalPostgres.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';

/**
 * A fleet of single-user Postgres secrets: one role per secret on the local Postgres, and the
 * secret created by `create` (which returns its ARN), named `/services/<prefix><size>/db<i>`.
 */
export async function createFleetSecrets(
  postgres: Pick<LocalPostgres, 'admin' | 'host' | 'port'>,
  prefix: string,
  size: number,
  create: (name: string, secretString: string) => Promise<string>,
): Promise<string[]> {
  const arns: string[] = [];
  await postgres.admin(async (c) => {
    for (let i = 0; i < size; i++) {
      const password = `${prefix[0]?.toUpperCase()}${prefix.slice(1)}-${size}-${i}-initial-pw`;
      const role = `${prefix}_${size}_${i}`;
      await c.query(
        `CREATE ROLE ${role} WITH LOGIN PASSWORD ${c.escapeLiteral(await scramVerifier(password))}`,
      );
      const secret = {
        engine: 'postgres',
        host: postgres.host,
        port: postgres.port,
        dbname: 'postgres',
        username: role,
        password,
      };
      arns.push(await create(`/services/${prefix}${size}/db${i}`, JSON.stringify(secret)));
    }
  });
  return arns;
}
