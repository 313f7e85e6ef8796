import { randomBytes } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { localTokenServiceSettings } from '../../../local/token-service/localTokenServiceSettings.js';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import type { ServiceToken } from '../../../local/token-service/TokenServiceState.js';
import { tokenNameFamily } from '../../../shared/targets/api-token/tokenNameFamily.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { auditSecrets } from '../../../testing/leaks/leakAudit.js';
import { type RdsServer, startRdsServer } from '../../../testing/rds/startRdsServer.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { startTestTokenService } from '../../support/startTestTokenService.js';
import { type HttpAttacker, startHttpAttacker } from '../support/startHttpAttacker.js';

export interface FuzzLogin {
  readonly username: string;
  readonly password: string;
}

/** One Postgres, token service, attacker listener and local stack that every case of a file reuses. */
export interface FuzzEnvironment {
  readonly pg: TestPostgres;
  readonly tokens: TokenService;
  readonly attacker: HttpAttacker;
  readonly stack: TestStack;
  readonly master: FuzzLogin & { readonly arn: string };
  readonly admin: { readonly token: string; readonly arn: string };
  /** The attacker's own login, administered by the master like any application role. */
  readonly own: FuzzLogin;
  /** The name the alternating-users function gives the attacker's second login. */
  readonly clone: string;
  /** Other services' logins, administered by the same master. */
  readonly victims: readonly FuzzLogin[];
  /** Tokens the token service issued to other secrets. */
  readonly victimTokens: readonly ServiceToken[];
  readonly otherDatabase: string;
  /** Every credential no attacker may receive, by name (names only ever get printed). */
  readonly credentials: Readonly<Record<string, string>>;
  /** Puts the attacker's login back as the generators know it (a single-user rotation changes it). */
  resetOwnLogin(): Promise<void>;
  /** Gives the master and every victim their own password back, after a run that broke one. */
  restoreLogins(): Promise<void>;
  close(): Promise<void>;
}

const OWN_ROLE = 'fz_own';
const MASTER_ROLE = 'fz_master';
/** One of them 63 bytes long, the most Postgres keeps of a name: a longer name would be cut to it. */
const VICTIM_ROLES = ['fz_victim_a', 'fz_victim_b', 'Fz Victim "Q"', `fz_victim_long_${'l'.repeat(48)}`];
const OTHER_DATABASE = 'fz_other';

const credential = (label: string) => `${label}-${randomBytes(15).toString('base64url')}`;

/**
 * Starts what a fuzzed rotation runs against: a real Postgres (SCRAM over TLS) with a master that
 * administers the attacker's role and several victims', the local token service, an HTTP listener
 * standing in for the attacker, and the local stack with the built functions, configured with exact
 * allow-lists for the one master and the one admin secret.
 */
export async function startFuzzEnvironment(): Promise<FuzzEnvironment> {
  const credentials: Record<string, string> = {};
  const remember = (name: string, value: string): string => {
    credentials[name] = value;
    auditSecrets([value]);
    return value;
  };
  const master = { username: MASTER_ROLE, password: remember('master password', credential('Master')) };
  const own = { username: OWN_ROLE, password: credential('Own') };
  auditSecrets([own.password]);
  const victims = VICTIM_ROLES.map((username, index) => ({
    username,
    password: remember(`victim password ${index}`, credential('Victim')),
  }));
  const adminToken = remember('admin token', credential('admin-token'));

  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const service of started.reverse()) await service.close().catch(() => undefined);
  };
  try {
    const pg = await startTestPostgres();
    started.push(pg);
    remember('superuser password', pg.superuser.password);
    const tokens = await startTestTokenService({ adminTokens: [adminToken] });
    started.push(tokens);
    const attacker = await startHttpAttacker();
    started.push(attacker);
    // An RDS that knows no database: a host other than the master's is then refused without a call
    // ever leaving the machine (the functions would otherwise ask the real RDS API).
    const rds: RdsServer = await startRdsServer({});
    started.push(rds);

    const ownVerifier = await scramVerifier(own.password);
    const verifiers = new Map<string, string>();
    for (const login of [master, ...victims])
      verifiers.set(login.username, await scramVerifier(login.password));
    const verifierOf = (login: FuzzLogin) => verifiers.get(login.username) ?? '';
    await pg.admin(async (c) => {
      const role = async (login: FuzzLogin, attributes = '') =>
        c.query(
          `CREATE ROLE ${c.escapeIdentifier(login.username)} WITH LOGIN ${attributes} PASSWORD ${c.escapeLiteral(verifierOf(login))}`,
        );
      await role(master, 'CREATEROLE');
      await c.query(
        `CREATE ROLE ${c.escapeIdentifier(own.username)} WITH LOGIN PASSWORD ${c.escapeLiteral(ownVerifier)}`,
      );
      for (const victim of victims) await role(victim);
      // As a platform team grants application roles to the master (see rolesFor in attacks.test.ts):
      // it may administer them, but neither acts as them nor inherits their privileges.
      for (const login of [own, ...victims]) {
        await c.query(
          `GRANT ${c.escapeIdentifier(login.username)} TO ${c.escapeIdentifier(master.username)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
        );
      }
      await c.query(`CREATE DATABASE ${c.escapeIdentifier(OTHER_DATABASE)}`);
    });

    const arns: { master?: string; admin?: string } = {};
    const stack = await startTestStack({
      retry: { maxAttempts: 1, baseDelayMs: 10 },
      functionEnvironment: () => ({
        PG_CA_FILE: pg.caFile,
        AWS_ENDPOINT_URL_RDS: rds.url,
        ALLOWED_MASTER_SECRET_ARNS: arns.master ?? '',
        ALLOWED_ADMIN_SECRET_ARNS: arns.admin ?? '',
        TOKEN_PROVIDER_ALLOWED_ORIGINS: tokens.url,
        TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'true',
        TOKEN_PROVIDER: 'http',
        TOKEN_PROVIDER_SETTINGS: JSON.stringify(localTokenServiceSettings(tokens.url)),
      }),
    });
    started.push(stack);
    const create = async (name: string, value: Record<string, unknown>) =>
      (await stack.client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) })))
        .ARN ?? '';
    arns.master = await create('/platform/fuzz/master', {
      engine: 'postgres',
      host: 'localhost',
      port: pg.port,
      dbname: 'postgres',
      ...master,
    });
    arns.admin = await create('/platform/fuzz/token-admin', { token: adminToken });

    const victimTokens = ['billing', 'search'].map((service, index) => {
      const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:/services/${service}/api-${'abcdef'.slice(index)}`;
      const issued = tokens.state.issue(
        `${tokenNameFamily('rotation', arn)}initial`,
        ['read'],
        undefined,
        new Date(),
      );
      remember(`victim token ${index}`, issued.token);
      return issued;
    });

    return {
      pg,
      tokens,
      attacker,
      stack,
      master: { ...master, arn: arns.master },
      admin: { token: adminToken, arn: arns.admin },
      own,
      clone: `${own.username}_clone`,
      victims,
      victimTokens,
      otherDatabase: OTHER_DATABASE,
      credentials,
      async resetOwnLogin() {
        await pg.admin((c) =>
          c.query(
            `ALTER ROLE ${c.escapeIdentifier(own.username)} WITH LOGIN PASSWORD ${c.escapeLiteral(ownVerifier)} VALID UNTIL 'infinity'`,
          ),
        );
      },
      async restoreLogins() {
        await pg.admin(async (c) => {
          for (const login of [master, ...victims]) {
            await c.query(
              `ALTER ROLE ${c.escapeIdentifier(login.username)} WITH LOGIN PASSWORD ${c.escapeLiteral(verifierOf(login))}`,
            );
          }
        });
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
