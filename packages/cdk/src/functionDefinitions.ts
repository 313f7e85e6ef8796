/**
 * What each rotation function is and reads, as template.yaml deploys it. The construct builds every
 * resource from this list; test/cdk/ compares the result with template.yaml function by function.
 */
export const ROTATION_FUNCTION_NAMES = [
  'random-value',
  'api-token',
  'postgres-single-user',
  'postgres-alternating-users',
] as const;

export type RotationFunctionName = (typeof ROTATION_FUNCTION_NAMES)[number];

export interface RotationFunctionDefinition {
  readonly name: RotationFunctionName;
  /** The logical-ID stem template.yaml uses (`RandomValue` for `RandomValueFunction`, `...Role`). */
  readonly logicalName: string;
  readonly description: string;
  /**
   * The other secrets it may read besides those it rotates: the Postgres functions' master
   * secrets, api-token's admin secrets.
   */
  readonly reads: 'master' | 'admin' | undefined;
  /** Connects to a database: generates passwords, relates RDS hosts, runs in the VPC. */
  readonly postgres: boolean;
}

export const ROTATION_FUNCTIONS: Readonly<Record<RotationFunctionName, RotationFunctionDefinition>> = {
  'random-value': {
    name: 'random-value',
    logicalName: 'RandomValue',
    description: 'Rotates random values that only applications read (signing keys, shared secrets).',
    reads: undefined,
    postgres: false,
  },
  'api-token': {
    name: 'api-token',
    logicalName: 'ApiToken',
    description: 'Rotates API tokens through a provider contract.',
    reads: 'admin',
    postgres: false,
  },
  'postgres-single-user': {
    name: 'postgres-single-user',
    logicalName: 'PostgresSingleUser',
    description: 'Rotates a Postgres password in place.',
    reads: 'master',
    postgres: true,
  },
  'postgres-alternating-users': {
    name: 'postgres-alternating-users',
    logicalName: 'PostgresAlternatingUsers',
    description: 'Rotates Postgres credentials by alternating two logins.',
    reads: 'master',
    postgres: true,
  },
};

/** The environment variable that carries each allow-list to the code. */
export const ALLOW_LIST_VARIABLES = {
  master: 'ALLOWED_MASTER_SECRET_ARNS',
  admin: 'ALLOWED_ADMIN_SECRET_ARNS',
} as const;

export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
