import type { Logger } from '@aws-lambda-powertools/logger';
import type { RotationTarget } from '../../rotation/RotationTarget.js';
import { MAX_NAME_BYTES } from './connectionFields.js';
import {
  CloneNameTooLongError,
  CloneNotMemberError,
  MasterSecretError,
  PendingIdentityChangedError,
  RoleMissingError,
} from './errors.js';
import { PostgresAccess, type PostgresTargetDependencies } from './PostgresAccess.js';
import {
  type PostgresSecret,
  parsePostgresSecret,
  serializePostgresSecret,
  withLogin,
} from './PostgresSecret.js';
import {
  type CloneDrift,
  cloneDrift,
  expireLogin,
  refusePrivileged,
  roleState,
  setPartnerPassword,
} from './postgresRoles.js';
import { settle } from './settle.js';

/**
 * Two logins take turns: `<user>` and `<user><suffix>`. Each rotation resets the password of the
 * one that is not AWSCURRENT, so the current login keeps working throughout and AWSPREVIOUS works
 * until the next rotation. The clone is a member of the original and acts as it at login, so both
 * have the same privileges and everything either creates is owned by the original.
 */
export function createAlternatingUsersTarget(
  deps: PostgresTargetDependencies,
): RotationTarget<PostgresSecret> {
  const access = new PostgresAccess(deps);
  const suffix = deps.config.cloneSuffix;
  const originalOf = (username: string) =>
    username.endsWith(suffix) ? username.slice(0, -suffix.length) : username;
  const partnerOf = (username: string) =>
    username === originalOf(username) ? `${username}${suffix}` : originalOf(username);
  /** The clone of `username`'s pair, refused when Postgres would truncate its name into another role's. */
  const cloneOf = (username: string) => {
    const original = originalOf(username);
    if (Buffer.byteLength(`${original}${suffix}`, 'utf8') > MAX_NAME_BYTES)
      throw new CloneNameTooLongError(original, suffix, MAX_NAME_BYTES);
    return `${original}${suffix}`;
  };

  const reportExtra = (drift: CloneDrift, clone: string, logger: Logger) => {
    if (drift.extra.length > 0) {
      logger.warn('The clone has role memberships the original lacks; they were not revoked', {
        clone,
        extraMemberships: drift.extra,
      });
    }
  };

  const masterArnOf = (pending: PostgresSecret, current: PostgresSecret): string => {
    const arn = pending.masterArn ?? current.masterArn;
    if (arn === undefined) throw new MasterSecretError(undefined, "the secret has no 'masterarn' key");
    return arn;
  };

  // Only with an overlap to end: without one, finishSecret has nothing to do here and reads nothing.
  const ttl = deps.config.previousLoginTtlSeconds;
  const afterFinish: NonNullable<RotationTarget<PostgresSecret>['afterFinish']> = async (values, context) => {
    const current = await values.current();
    const previous = await values.previous();
    if (previous === undefined || previous.username === current.username) return;
    if (previous.username !== partnerOf(current.username)) {
      context.logger.warn('AWSPREVIOUS is not the partner login of AWSCURRENT; its expiry is left alone', {
        username: previous.username,
      });
      return;
    }
    const until = new Date(Date.now() + ttl * 1000);
    const master = await access.master(masterArnOf(current, current), context);
    await access.bind(current, master, context.logger);
    // AWSCURRENT just passed testSecret; proving it again keeps the rule "no master action without a
    // working login" true however this step is reached.
    await access.prove([['AWSCURRENT', async () => current]], current, () => undefined, context.logger);
    const { earlyStart, logger } = context;
    await access.within(await access.openMaster(master, { earlyStart, logger }), async (session) => {
      await access.guard(session, master, [previous.username]);
      await expireLogin(session, previous.username, until);
    });
    context.logger.info('The AWSPREVIOUS login stops working after the overlap', {
      username: previous.username,
      validUntil: until.toISOString(),
    });
  };

  return {
    name: 'postgres-alternating-users',
    parse: parsePostgresSecret,
    serialize: serializePostgresSecret,
    async generate(current) {
      // A secret asking for weaker TLS, or a clone name Postgres would truncate, fails here, before
      // anything is staged.
      access.sslModeFor(current.sslMode);
      cloneOf(current.username);
      return withLogin(current, {
        username: partnerOf(current.username),
        password: await access.newPassword(),
      });
    },
    setReads: ['current'],
    startEarly: (step, related) =>
      step === 'setSecret' || step === 'finishSecret' ? access.startEarly(related) : undefined,
    relatedSecrets(step, value) {
      const uses =
        step === 'setSecret' || (step === 'finishSecret' && deps.config.previousLoginTtlSeconds > 0);
      return uses ? access.masterReads(value?.masterArn) : [];
    },
    async set(pending, values, context) {
      const { logger } = context;
      const current = await values.current();
      const changed: string[] = (['host', 'port', 'dbname'] as const).filter(
        (key) => pending[key] !== current[key],
      );
      if (pending.username !== partnerOf(current.username)) changed.unshift('username');
      if (changed.length > 0) throw new PendingIdentityChangedError(changed);
      const original = originalOf(current.username);
      const clone = cloneOf(current.username);

      // The master and its database come first, from the master secret or RDS: a secret pointing
      // anywhere else is refused before any login is sent there.
      const master = await access.master(masterArnOf(pending, current), context);
      await access.bind(pending, master, logger);

      // Hashed while the logins below are on the wire.
      const verifier = access.verifier(pending.password);
      verifier.catch(() => undefined);
      // The master's database is known from trusted sources only, so its connection, TLS handshake and
      // startup run alongside the proof (or ran alongside this step's reads, in a warm container); its
      // client proof waits for the secret's proof, so a secret that proves nothing never has the master
      // authenticate, let alone act.
      const proved = settle<true>();
      const early = access.openMaster(master, {
        earlyStart: context.earlyStart,
        after: proved.promise,
        logger,
      });
      early.catch(() => undefined);
      // The pending login is not tried first: on a first attempt the partner still has its old
      // password, so it would only fail.
      let proof: Awaited<ReturnType<typeof access.prove>>;
      try {
        proof = await access.prove(
          [
            ['AWSCURRENT', async () => current],
            ['AWSPREVIOUS', () => values.previous()],
          ],
          pending,
          (value) =>
            value.username === original || value.username === clone
              ? undefined
              : `'${value.username}' is not '${original}' or '${clone}'`,
          logger,
        );
      } catch (error) {
        // Closed without waiting: it sent nothing of the master's password, and the error is the proof's.
        proved.reject(error);
        void early.then(
          (session) => session.end(),
          () => undefined,
        );
        // No stored login works, but an earlier attempt may have finished this step already.
        const already = await access.tryAs(access.login(pending, 'AWSPENDING', logger), (session) =>
          roleState(session, clone),
        );
        if (already.ok && already.value !== undefined) {
          const drift = cloneDrift(original, already.value);
          reportExtra(drift, clone, logger);
          if (drift.missing.length === 0) {
            logger.info('The pending login already works; nothing to set');
            return;
          }
        }
        throw error;
      }
      proved.resolve(true);
      const masterSession = await early;

      await access.within(masterSession, async (session) => {
        const inspection = await access.inspect(session, master, [original, clone]);
        if (!inspection.states.has(original)) throw new RoleMissingError(original, pending.host);
        const cloneState = inspection.states.get(clone);
        // Only a clone this function made acts as the original; a look-alike name proves nothing. Asked
        // here, in the master's session, since the clone's own session is shaped by its owner. A real
        // clone that lost its membership is repaired only once a login of the original itself proves.
        if (proof.value.username === clone && !cloneState?.memberOf.includes(original)) {
          await access
            .prove(
              [
                ['AWSPREVIOUS', () => values.previous()],
                ['AWSCURRENT', async () => current],
              ],
              pending,
              (value) =>
                value.username === original ? undefined : `'${value.username}' is not '${original}'`,
              logger,
            )
            .catch(() => {
              throw new CloneNotMemberError(clone, original);
            });
        }
        refusePrivileged(inspection, [original, clone]);
        await setPartnerPassword(session, { original, clone, cloneState }, pending.username, await verifier);
        // What the clone holds beyond the original is only ever reported; the batch adds nothing else.
        if (cloneState !== undefined) reportExtra(cloneDrift(original, cloneState), clone, logger);
      });
      logger.info('Password set with the master secret', { username: pending.username });
    },
    async test(value, context) {
      // The login authenticates and acts as the original (the server's answer, in check): for the
      // clone that is its SET role and membership at work. The partner's state is set and reported by
      // setSecret, in the master's session, which repairs whatever a clone lost.
      await access.run(access.login(value, context.label ?? 'AWSPENDING', context.logger), (session) =>
        access.check(session, value, originalOf(value.username)),
      );
    },

    ...(ttl > 0 ? { afterFinish } : {}),
  };
}
