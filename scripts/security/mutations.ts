/**
 * Each defense against a hostile secret, as the one edit that removes it, and the tests that must
 * turn red without it. `npm run test:mutations` applies each in turn to a copy of the project.
 */
export interface Mutation {
  readonly defense: string;
  readonly file: string;
  /** Text that must occur exactly once in `file`; a stale mutation fails the check. */
  readonly find: string;
  readonly replace: string;
  /** Test files to run, and the tests (by a part of their full name) that must fail. */
  readonly files: readonly string[];
  readonly red: readonly string[];
}

const ATTACKS = 'test/security/attacks.test.ts';

export const MUTATIONS: readonly Mutation[] = [
  {
    defense: 'connection fields carry no control or format characters',
    file: 'shared/targets/postgres/connectionFields.ts',
    find: "  if (FORBIDDEN.test(value)) return 'must not contain control or invisible format characters';\n",
    replace: '',
    files: [ATTACKS],
    red: ['pg-forged-identity-dbname', 'pg-forged-identity-username', 'pg-forged-identity-password'],
  },
  {
    defense: 'a host is a host name or an IP address, never a socket path',
    file: 'shared/targets/postgres/connectionFields.ts',
    find: "isIP(value) !== 0 || HOST_NAME.test(value) ? undefined : 'must be a host name or an IP address'",
    replace: 'undefined',
    files: [ATTACKS],
    red: ['pg-forged-identity-host'],
  },
  {
    defense: "every session's identity is the server's session user",
    file: 'shared/targets/postgres/connectPostgres.ts',
    find: 'if (identity.sessionUser !== login.username) {',
    replace: 'if (identity.sessionUser === undefined) {',
    files: ['test/integration/postgres/serverIdentity.test.ts'],
    red: ['refuses a session the server says is another role'],
  },
  {
    defense: "without the server's startup report, the session user is asked, never assumed",
    file: 'shared/targets/postgres/connectPostgres.ts',
    find: "const result = await client.query<{ session_user: unknown }>('SELECT session_user');",
    replace: 'const result = { rows: [{ session_user: login.username }] };',
    files: ['test/integration/postgres/serverIdentity.test.ts'],
    red: ['refuses a smuggled second user where the startup report does not arrive'],
  },
  {
    defense: 'a warm master connection gets the password only where the fresh master read names its place',
    file: 'shared/targets/postgres/WarmMasterConnections.ts',
    find: 'if (masterArn !== this.masterArn || PLACE_KEYS.some((key) => this.place[key] !== login[key])) {',
    replace: 'if (masterArn !== this.masterArn) {',
    files: ['test/integration/postgres/warmMaster.test.ts'],
    red: ['gives the warm connection nothing when the master secret now names another host'],
  },
  {
    defense: "a clone's membership is asked in the master's own session",
    file: 'shared/targets/postgres/createAlternatingUsersTarget.ts',
    find: '!cloneState?.memberOf.includes(original)',
    replace: 'proof.value.username !== clone',
    files: [ATTACKS, 'test/integration/postgres/masterTrust.test.ts'],
    red: ['pg-hostile-search-path-clone', 'pg-look-alike-clone', 'a look-alike clone name proves nothing'],
  },
  {
    defense: "a clone's name fits in Postgres's 63 bytes",
    file: 'shared/targets/postgres/createAlternatingUsersTarget.ts',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text the mutation looks for
    find: "if (Buffer.byteLength(`${original}${suffix}`, 'utf8') > MAX_NAME_BYTES)",
    replace: 'if (MAX_NAME_BYTES < 0)',
    files: [ATTACKS],
    red: ['pg-clone-name-truncation'],
  },
  {
    defense: 'an empty allow-list allows nothing',
    file: 'shared/config/ArnAllowList.ts',
    find: 'allows: (arn: string) => expressions.some((expression) => expression.test(arn)),',
    replace: 'allows: (arn: string) => patterns.length === 0 || expressions.some((e) => e.test(arn)),',
    files: [ATTACKS, 'test/unit/config/ArnAllowList.test.ts'],
    red: ['pg-master-with-empty-allow-list', 'token-admin-with-empty-allow-list', 'allows nothing when'],
  },
  {
    defense: 'a secret this function rotates is never a master or admin secret',
    file: 'shared/secrets/SecretMetadata.ts',
    find: 'return unqualified(metadata.rotationLambdaArn) === unqualified(functionArn);',
    replace: 'return false;',
    files: [ATTACKS],
    red: ['pg-rotated-secret-as-master', 'token-rotated-secret-as-admin'],
  },
  {
    defense: "a token secret's own settings never place the admin credential",
    file: 'shared/targets/api-token/createApiTokenTarget.ts',
    find: 'if (secret.settings !== undefined) throw new AdminSettingsError(admin.arn);\n      settings = admin.settings;',
    replace: 'settings = secret.settings ?? admin.settings;',
    files: [ATTACKS],
    red: [
      'token-admin-credential-in-secret-body',
      'token-admin-credential-in-secret-header',
      'token-admin-credential-in-secret-path',
      'token-admin-credential-in-secret-token-field',
    ],
  },
  {
    defense: 'a provider never hands back the credential as a token',
    file: 'shared/targets/api-token/createApiTokenTarget.ts',
    find: 'privileged.some(echoes)',
    replace: 'privileged.length < 0',
    files: [ATTACKS],
    red: ['token-echo-of-admin-credential'],
  },
];
