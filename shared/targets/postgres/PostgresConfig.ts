import { readFileSync } from 'node:fs';
import { type ArnAllowList, loadArnAllowList } from '../../config/ArnAllowList.js';
import { type Env, optionalChoice, optionalInteger, optionalString } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import { loadPasswordPolicy, type PasswordPolicy } from '../../passwords/PasswordPolicy.js';
import { SSL_MODES, type SslMode } from './PostgresSecret.js';
import { DEFAULT_SCRAM_ITERATIONS } from './scramVerifier.js';

export interface PostgresConfig {
  /** The weakest TLS any login may use; a secret's `ssl` key may only make it stricter. */
  readonly sslMode: SslMode;
  /** `ALLOWED_MASTER_SECRET_ARNS`: the master secrets a user secret may name; none when unset or empty, any with `*`. */
  readonly allowedMasterSecrets: ArnAllowList;
  /** PEM CAs to trust on top of Node's (which include NODE_EXTRA_CA_CERTS). */
  readonly ca: string | undefined;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly scramIterations: number;
  readonly passwordPolicy: PasswordPolicy;
  /** `local` (CSPRNG in the function) or `secretsmanager` (GetRandomPassword). */
  readonly passwordSource: 'local' | 'secretsmanager';
  /** Run by testSecret after the identity check; must succeed for the new login. */
  readonly checkQuery: string;
  readonly cloneSuffix: string;
  /** Alternating users: seconds the AWSPREVIOUS login stays valid after finishSecret; 0 = until next rotation. */
  readonly previousLoginTtlSeconds: number;
}

// Schema-qualified throughout: it runs in a session whose search_path the login's owner may set.
export const DEFAULT_CHECK_QUERY = 'SELECT pg_catalog.count(*) FROM pg_catalog.pg_namespace';

export function loadPostgresConfig(env: Env): PostgresConfig {
  const sslMode = optionalChoice(env, 'PG_SSL_MODE', SSL_MODES, 'verify-full');
  const caFile = optionalString(env, 'PG_CA_FILE');
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch {
      throw new ConfigError('PG_CA_FILE', 'names a file that cannot be read');
    }
  }
  const passwordSource = optionalString(env, 'PASSWORD_SOURCE') ?? 'local';
  if (passwordSource !== 'local' && passwordSource !== 'secretsmanager') {
    throw new ConfigError('PASSWORD_SOURCE', 'must be local or secretsmanager');
  }
  const cloneSuffix = optionalString(env, 'CLONE_SUFFIX') ?? '_clone';
  if (!/^[A-Za-z0-9_]{1,16}$/.test(cloneSuffix)) {
    throw new ConfigError('CLONE_SUFFIX', 'must be 1 to 16 letters, digits or underscores');
  }
  return Object.freeze({
    sslMode,
    allowedMasterSecrets: loadArnAllowList(env, 'ALLOWED_MASTER_SECRET_ARNS'),
    ca,
    connectTimeoutMs: optionalInteger(env, 'PG_CONNECT_TIMEOUT_MS', {
      min: 100,
      max: 60_000,
      default: 5_000,
    }),
    statementTimeoutMs: optionalInteger(env, 'PG_STATEMENT_TIMEOUT_MS', {
      min: 100,
      max: 300_000,
      default: 10_000,
    }),
    scramIterations: optionalInteger(env, 'SCRAM_ITERATIONS', {
      min: 4096,
      max: 1_000_000,
      default: DEFAULT_SCRAM_ITERATIONS,
    }),
    passwordPolicy: loadPasswordPolicy(env),
    passwordSource,
    checkQuery: optionalString(env, 'PG_CHECK_QUERY') ?? DEFAULT_CHECK_QUERY,
    cloneSuffix,
    previousLoginTtlSeconds: optionalInteger(env, 'PREVIOUS_LOGIN_TTL_SECONDS', {
      min: 0,
      max: 31_536_000,
      default: 0,
    }),
  });
}
