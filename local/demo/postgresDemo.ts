import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { generatePassword } from '../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../shared/passwords/PasswordPolicy.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';
import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import { LOCAL_MASTER_SECRET_NAME } from '../stack/localFunctionEnvironment.js';
import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';
import { rotateOnce, secretArnIfExists, verdict } from './demoSteps.js';

interface Login {
  readonly username: string;
  readonly password: string;
}

type Strategy = 'single-user' | 'alternating-users';

const SETUP: Readonly<Record<Strategy, { secret: string; role: string }>> = {
  'single-user': { secret: '/services/orders/local', role: 'orders_app' },
  'alternating-users': { secret: '/services/billing/local', role: 'billing_app' },
};
const MASTER_SECRET = LOCAL_MASTER_SECRET_NAME;
const MASTER_ROLE = 'rotation_master';

async function read(client: SecretsManagerClient, secretId: string, stage: string) {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  return {
    versionId: out.VersionId,
    value: JSON.parse(out.SecretString ?? '{}') as Record<string, unknown> & Login,
  };
}

/**
 * Rotates a Postgres login of the embedded database through RotateSecret and proves it: the new
 * password logs in; with a single user the old one no longer does, with alternating users it does.
 */
export function createPostgresDemo(postgres: LocalPostgres, strategy: Strategy): DemoRotation {
  const { secret: secretName, role } = SETUP[strategy];

  // A fresh database (or one another tool changed) is re-seeded, not an error.
  const canLogin = (login: Login) => postgres.canLogin(login.username, login.password).catch(() => false);

  /** Creates the role, or gives it a new password; the superuser only ever sends a SCRAM verifier. */
  const provision = async (name: string, attributes: string): Promise<string> => {
    const password = generatePassword(loadPasswordPolicy({}));
    const verifier = await scramVerifier(password);
    await postgres.admin(async (c) => {
      const exists = (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
      const verb = exists ? 'ALTER' : 'CREATE';
      await c.query(
        `${verb} ROLE ${c.escapeIdentifier(name)} WITH LOGIN ${attributes} PASSWORD ${c.escapeLiteral(verifier)}`,
      );
    });
    return password;
  };

  /** A secret whose AWSCURRENT logs in: created, or re-seeded when the database was recreated. */
  const ensureSecret = async (
    client: SecretsManagerClient,
    name: string,
    value: () => Promise<Record<string, unknown>>,
  ) => {
    const arn = await secretArnIfExists(client, name);
    if (arn !== undefined && (await canLogin((await read(client, arn, 'AWSCURRENT')).value)))
      return { arn, seeded: false };
    const secretString = JSON.stringify(await value());
    if (arn !== undefined) {
      await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: secretString }));
      return { arn, seeded: true };
    }
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: secretString }));
    return { arn: created.ARN ?? name, seeded: true };
  };

  const base = () => ({ engine: 'postgres', host: postgres.host, port: postgres.port, dbname: 'postgres' });

  return {
    name: `postgres-${strategy}`,
    functionName: `postgres-${strategy}`,
    async run(context: DemoContext): Promise<DemoResult> {
      const started = performance.now();
      const { client } = context;
      let masterArn: string | undefined;
      if (strategy === 'alternating-users') {
        masterArn = (
          await ensureSecret(client, MASTER_SECRET, async () => ({
            ...base(),
            username: MASTER_ROLE,
            password: await provision(MASTER_ROLE, 'CREATEROLE'),
          }))
        ).arn;
      }
      const { arn, seeded } = await ensureSecret(client, secretName, async () => {
        // Re-seeding starts again from the original role; a clone left from earlier keeps working until reset.
        const password = await provision(role, '');
        if (masterArn !== undefined) {
          await postgres.admin((c) =>
            c.query(
              `GRANT ${c.escapeIdentifier(role)} TO ${MASTER_ROLE} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
            ),
          );
        }
        return {
          ...base(),
          username: role,
          password,
          ...(masterArn === undefined ? {} : { masterarn: masterArn }),
        };
      });

      const before = await read(client, arn, 'AWSCURRENT');
      const versionId = await rotateOnce(context, arn, this.functionName, 60_000);
      const after = await read(client, arn, 'AWSCURRENT');

      const checks: Record<string, boolean> = {
        'AWSCURRENT is the new version': after.versionId === versionId,
        'the new password logs in': await canLogin(after.value),
        ...(strategy === 'single-user'
          ? { 'the old password no longer logs in': !(await canLogin(before.value)) }
          : {
              'the login alternated': after.value.username !== before.value.username,
              'the previous login still works': await canLogin(before.value),
            }),
      };
      return verdict(
        this.name,
        `${secretName}${seeded ? ' (seeded)' : ''}`,
        checks,
        `${before.value.username} -> ${after.value.username}; ` +
          (strategy === 'single-user' ? 'new password works, old rejected' : 'both logins work'),
        started,
      );
    },
  };
}
