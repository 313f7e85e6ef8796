/** The database could not be reached or refused the connection for a reason other than the password. */
export class PostgresConnectionError extends Error {
  override readonly name = 'PostgresConnectionError';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `Cannot connect to Postgres at ${host}:${port}: ${reason}. Check the host, port, security groups ` +
        '(the function must reach the database) and that the server is up.',
      options,
    );
  }
}

/** TLS was required and the server's certificate could not be verified. */
export class PostgresTlsError extends Error {
  override readonly name = 'PostgresTlsError';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: string,
  ) {
    super(
      `TLS to Postgres at ${host}:${port} failed: ${reason}. Trust the server's CA (NODE_EXTRA_CA_CERTS or ` +
        'PG_CA_FILE) and connect with the host name the certificate names. Plaintext is only used when the ' +
        "secret's ssl key or PG_SSL_MODE says 'disable'.",
    );
  }
}

/** The server rejected a login (wrong password, no such role, or the role may not log in). */
export class PostgresLoginRejectedError extends Error {
  override readonly name = 'PostgresLoginRejectedError';

  constructor(
    readonly username: string,
    readonly host: string,
    readonly which: string,
  ) {
    super(
      `Postgres at ${host} rejected the login of '${username}' with the ${which} credentials. If the password ` +
        'was changed outside rotation, store the working one with `aws secretsmanager put-secret-value` and rotate again.',
    );
  }
}

/**
 * The server says the session belongs to another role than the one the secret names: the secret's
 * fields tried to pose as someone else, or something between the function and the server rewrote
 * the login. Nothing runs in such a session.
 */
export class PostgresIdentityError extends Error {
  override readonly name = 'PostgresIdentityError';

  constructor(
    readonly username: string,
    readonly sessionUser: string,
    readonly host: string,
    readonly which: string,
  ) {
    super(
      `Postgres at ${host} reports that the ${which} login as '${username}' is a session of ` +
        `${JSON.stringify(sessionUser.slice(0, 64))}; refusing to use it. Check the secret's connection keys ` +
        '(username, dbname, host) and that nothing between the function and the database rewrites logins.',
    );
  }
}

/** A statement failed: a missing privilege, a missing role, a timeout. Quotes no statement text. */
export class PostgresStatementError extends Error {
  override readonly name = 'PostgresStatementError';

  constructor(
    readonly action: string,
    readonly sqlState: string | undefined,
    detail: string,
  ) {
    super(
      `Postgres refused to ${action}${sqlState === undefined ? '' : ` (SQLSTATE ${sqlState})`}: ${detail}.`,
    );
  }
}

/** None of the credentials the step may use can change the user's password. */
export class NoWorkingCredentialsError extends Error {
  override readonly name = 'NoWorkingCredentialsError';

  constructor(
    readonly username: string,
    readonly tried: readonly string[],
  ) {
    super(
      `Cannot set the new password of '${username}': no working login among ${tried.join(', ')}. Store the ` +
        'working password as AWSCURRENT with `aws secretsmanager put-secret-value`, or name a master secret ' +
        "(key 'masterarn'), then rotate again.",
    );
  }
}

/** The pending secret points at another user, host or database than the current one. */
export class PendingIdentityChangedError extends Error {
  override readonly name = 'PendingIdentityChangedError';

  constructor(readonly keys: readonly string[]) {
    super(
      `The pending secret changes ${keys.join(', ')} compared with AWSCURRENT; rotation only changes passwords. ` +
        'Cancel this rotation (clear AWSPENDING) and change the secret with put-secret-value instead.',
    );
  }
}

/** The session authenticated but is not the role it should be, or cannot read. */
export class PostgresCheckFailedError extends Error {
  override readonly name = 'PostgresCheckFailedError';

  constructor(
    readonly username: string,
    problem: string,
  ) {
    super(`The login of '${username}' works but ${problem}.`);
  }
}

/** The user's host is not the master's and RDS does not say they belong together. */
export class HostMismatchError extends Error {
  override readonly name = 'HostMismatchError';

  constructor(
    readonly userHost: string,
    readonly masterHost: string,
    reason: string,
  ) {
    super(
      `The secret's host ${userHost} differs from the master secret's host ${masterHost}, and ${reason}. ` +
        'Use a master secret of the same instance or cluster.',
    );
  }
}

/** The role to rotate does not exist in the database. */
export class RoleMissingError extends Error {
  override readonly name = 'RoleMissingError';

  constructor(
    readonly role: string,
    readonly host: string,
  ) {
    super(`Role '${role}' does not exist on ${host}. Create it, or fix the secret's username.`);
  }
}

/** A master secret is needed and missing, empty or unreadable. */
export class MasterSecretError extends Error {
  override readonly name = 'MasterSecretError';

  constructor(
    readonly masterArn: string | undefined,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      masterArn === undefined
        ? `Alternating-users rotation needs a master secret: ${problem}. Add its ARN as the secret's 'masterarn' key.`
        : `Master secret ${masterArn} ${problem}. Check it exists, has an AWSCURRENT value with username and password, and the function may read it.`,
      options,
    );
  }
}

/** The secret asks for weaker TLS than the function allows; a secret may only make TLS stricter. */
export class TlsDowngradeError extends Error {
  override readonly name = 'TlsDowngradeError';

  constructor(
    readonly requested: string,
    readonly required: string,
  ) {
    super(
      `The secret's 'ssl' key asks for '${requested}', weaker than the '${required}' this function requires ` +
        "(PG_SSL_MODE). A secret can only make TLS stricter: remove the key or raise it, or have the function's " +
        'owner change PG_SSL_MODE.',
    );
  }
}

/** The master secret a user secret names is not one this function may use for it. */
export class MasterSecretNotAllowedError extends Error {
  override readonly name = 'MasterSecretNotAllowedError';

  constructor(
    readonly masterArn: string,
    reason = 'it is not in ALLOWED_MASTER_SECRET_ARNS',
  ) {
    super(
      `Master secret ${masterArn} is refused: ${reason}. Name an allowed master secret in the secret's ` +
        "'masterarn' key, or have the function's owner allow it.",
    );
  }
}

/**
 * A clone login proved, but the master's own session does not see it as a member of the original:
 * a role merely named `<user><suffix>` proves nothing about `<user>`.
 */
export class CloneNotMemberError extends Error {
  override readonly name = 'CloneNotMemberError';

  constructor(
    readonly clone: string,
    readonly original: string,
  ) {
    super(
      `Refusing to use the master secret: '${clone}' logs in but the database does not list it as a member ` +
        `of '${original}', so it proves nothing about '${original}'. Store a working login of '${original}' ` +
        'as AWSCURRENT with `aws secretsmanager put-secret-value`, then rotate again.',
    );
  }
}

/** Alternating users: the clone's name would pass Postgres's name limit, which truncates it into another name. */
export class CloneNameTooLongError extends Error {
  override readonly name = 'CloneNameTooLongError';

  constructor(
    readonly original: string,
    readonly suffix: string,
    readonly maxBytes: number,
  ) {
    super(
      `The clone of '${original}' would be named '${original}${suffix}', longer than the ${maxBytes} bytes ` +
        'Postgres keeps of a name, so it would be truncated into another role. Use a shorter username or a ' +
        'shorter CLONE_SUFFIX.',
    );
  }
}

/**
 * Before a master secret acts for a secret, the secret's own AWSCURRENT (or AWSPREVIOUS) must log
 * in: whoever wrote the secret must already hold a login of the role family it names.
 */
export class UnprovenSecretError extends Error {
  override readonly name = 'UnprovenSecretError';

  constructor(
    readonly username: string,
    readonly host: string,
    readonly tried: readonly string[],
    reason: string,
  ) {
    super(
      `Refusing to use the master secret for '${username}' on ${host}: ${reason} (tried: ${tried.join(', ') || 'none'}). ` +
        "The master acts only for a secret whose own credentials already log in. Store the role's working " +
        'password as AWSCURRENT with `aws secretsmanager put-secret-value`, then rotate again.',
    );
  }
}

/** A role the master secret would change holds more than an application login should. */
export class PrivilegedRoleError extends Error {
  override readonly name = 'PrivilegedRoleError';

  constructor(
    readonly role: string,
    readonly reasons: readonly string[],
  ) {
    super(
      `Refusing to change role '${role}' with the master secret: ${reasons.join(', ')}. Rotate administrative ` +
        'roles with a secret of their own (single user, no masterarn), never through another secret.',
    );
  }
}

/** The server asked for an authentication method that would reveal the password to it. */
export class AuthenticationMethodError extends Error {
  override readonly name = 'AuthenticationMethodError';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly method: string,
    readonly which: string,
  ) {
    super(
      `Postgres at ${host}:${port} asked for ${method} authentication of the ${which} credentials; refused, since it ` +
        'would reveal the password (or a replayable hash) to the server. Store passwords as SCRAM-SHA-256 ' +
        "(password_encryption = 'scram-sha-256') and use scram-sha-256 in pg_hba.conf.",
    );
  }
}
