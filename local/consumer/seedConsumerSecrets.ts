import {
  CreateSecretCommand,
  DeleteSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { generatePassword } from '../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../shared/passwords/PasswordPolicy.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';
import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import { SEEDED_MASTER_TAG } from '../stack/localFunctionEnvironment.js';
import { seedTokenSecret } from '../token-service/seedTokenSecret.js';
import type { TokenService } from '../token-service/startTokenService.js';

export interface ConsumerSecrets {
  readonly single: string;
  readonly alternating: string;
  readonly token: string;
  readonly master: string;
}

const password = () => generatePassword(loadPasswordPolicy({}));

async function role(postgres: LocalPostgres, name: string, secret: string, attributes = ''): Promise<void> {
  const verifier = await scramVerifier(secret);
  await postgres.admin((c) =>
    c.query(
      `CREATE ROLE ${c.escapeIdentifier(name)} WITH LOGIN ${attributes} PASSWORD ${c.escapeLiteral(verifier)}`,
    ),
  );
}

/** One secret per rotation kind, named `/services/<prefix>/…`, with its role or token in place. */
export async function seedConsumerSecrets(
  client: SecretsManagerClient,
  postgres: LocalPostgres,
  tokens: TokenService,
  prefix: string,
): Promise<ConsumerSecrets> {
  const base = { engine: 'postgres', host: postgres.host, port: postgres.port, dbname: 'postgres' };
  const single = { username: `${prefix}_single`, password: password() };
  await role(postgres, single.username, single.password);
  const singleArn =
    (
      await client.send(
        new CreateSecretCommand({
          Name: `/services/${prefix}/single`,
          SecretString: JSON.stringify({ ...base, ...single }),
        }),
      )
    ).ARN ?? '';

  const master = { username: `${prefix}_master`, password: password() };
  await role(postgres, master.username, master.password, 'CREATEROLE');
  const masterArn =
    (
      await client.send(
        new CreateSecretCommand({
          Name: `/platform/${prefix}/master`,
          SecretString: JSON.stringify({ ...base, ...master }),
          // The local stack allows exactly the masters it seeded (localFunctionEnvironment).
          Tags: [SEEDED_MASTER_TAG],
        }),
      )
    ).ARN ?? '';
  const alternating = { username: `${prefix}_alt`, password: password() };
  await role(postgres, alternating.username, alternating.password);
  await postgres.admin((c) =>
    c.query(`GRANT ${prefix}_alt TO ${prefix}_master WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`),
  );
  const alternatingArn =
    (
      await client.send(
        new CreateSecretCommand({
          Name: `/services/${prefix}/alternating`,
          SecretString: JSON.stringify({ ...base, ...alternating, masterarn: masterArn }),
        }),
      )
    ).ARN ?? '';

  const tokenArn =
    (await client.send(new CreateSecretCommand({ Name: `/services/${prefix}/token` }))).ARN ?? '';
  await seedTokenSecret(client, tokens, tokenArn);
  return { single: singleArn, alternating: alternatingArn, token: tokenArn, master: masterArn };
}

/** Deletes what `seedConsumerSecrets` made, and the clone role alternating rotations add. */
export async function removeConsumerSecrets(
  client: SecretsManagerClient,
  postgres: LocalPostgres,
  secrets: ConsumerSecrets,
  prefix: string,
): Promise<void> {
  for (const arn of [secrets.single, secrets.alternating, secrets.token, secrets.master]) {
    await client.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
  }
  await postgres.admin(async (c) => {
    for (const role of [`${prefix}_single`, `${prefix}_alt_clone`, `${prefix}_alt`, `${prefix}_master`]) {
      await c.query(`DROP ROLE IF EXISTS ${c.escapeIdentifier(role)}`);
    }
  });
}
