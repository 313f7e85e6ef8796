import type { RotationTarget } from '../../rotation/RotationTarget.js';
import { NoWorkingCredentialsError, PendingIdentityChangedError, RoleMissingError } from './errors.js';
import { PostgresAccess, type PostgresTargetDependencies } from './PostgresAccess.js';
import {
  type PostgresSecret,
  parsePostgresSecret,
  serializePostgresSecret,
  withLogin,
} from './PostgresSecret.js';
import { refusePrivileged, setRolePassword } from './postgresRoles.js';

const IDENTITY = ['username', 'host', 'port', 'dbname'] as const;

/**
 * One user whose password changes in place. Between setSecret and finishSecret only the pending
 * password works, which is why clients should prefer the alternating-users strategy.
 */
export function createSingleUserTarget(deps: PostgresTargetDependencies): RotationTarget<PostgresSecret> {
  const access = new PostgresAccess(deps);

  return {
    name: 'postgres-single-user',
    parse: parsePostgresSecret,
    serialize: serializePostgresSecret,
    async generate(current) {
      // A secret asking for weaker TLS fails here, before anything is staged.
      access.sslModeFor(current.sslMode);
      return withLogin(current, { username: current.username, password: await access.newPassword() });
    },
    setReads: ['current'],
    startEarly: (step, related) => (step === 'setSecret' ? access.startEarly(related) : undefined),
    relatedSecrets: (step, value) =>
      step === 'setSecret' && (value === undefined || value.masterArn !== undefined)
        ? access.masterReads(value?.masterArn)
        : [],
    async set(pending, values, context) {
      const { logger } = context;
      const current = await values.current();
      const changed = IDENTITY.filter((key) => pending[key] !== current[key]);
      if (changed.length > 0) throw new PendingIdentityChangedError(changed);

      // With a master, its database is found first, from the master secret or RDS: a secret pointing
      // anywhere else is refused before any login is sent there.
      const master =
        pending.masterArn === undefined ? undefined : await access.master(pending.masterArn, context);
      if (master !== undefined) await access.bind(pending, master, logger);

      const pendingWorks = async () =>
        (await access.tryAs(access.login(pending, 'AWSPENDING', logger), async () => true)).ok;
      // Hashed while the logins below are on the wire.
      const verifier = access.verifier(pending.password);
      verifier.catch(() => undefined);
      if (master !== undefined) {
        // The master logs in only after the proof. A working AWSCURRENT also means the pending
        // password is not set yet (one role, one password), so it is not tried first.
        try {
          await access.prove(
            [
              ['AWSCURRENT', async () => current],
              ['AWSPREVIOUS', () => values.previous()],
            ],
            pending,
            (value) =>
              value.username === pending.username ? undefined : `'${value.username}' is another role`,
            logger,
          );
        } catch (error) {
          // An earlier attempt, or a concurrent invocation, may have set the pending password already.
          if (await pendingWorks()) {
            logger.info('The pending password already works; nothing to set');
            return;
          }
          throw error;
        }
        const masterSession = await access.openMaster(master, { earlyStart: context.earlyStart, logger });
        await access.within(masterSession, async (session) => {
          // Whether the role exists, and whether it is off limits, in one read of the master's session.
          const inspection = await access.inspect(session, master, [pending.username]);
          if (!inspection.states.has(pending.username)) {
            throw new RoleMissingError(pending.username, pending.host);
          }
          refusePrivileged(inspection, [pending.username]);
          await setRolePassword(session, pending.username, await verifier, 'admin');
        });
        logger.info('Password set with the master secret');
        return;
      }
      const tried: string[] = [];
      // AWSPREVIOUS too, read only if AWSCURRENT fails: a rotation that crashed after an earlier
      // password change left it working. The pending password is tried only once a stored one fails:
      // before that it cannot have been set (one role, one password).
      const candidates = [
        ['AWSCURRENT', async () => current],
        ['AWSPREVIOUS', () => values.previous()],
      ] as const;
      for (const [which, read] of candidates) {
        const value = await read();
        if (value === undefined || value.username !== pending.username || value.host !== pending.host)
          continue;
        const done = await access.tryAs(access.login(value, which, logger), async (session) =>
          setRolePassword(session, pending.username, await verifier, 'self'),
        );
        if (done.ok) {
          logger.info('Password set by the user itself', { loggedInWith: which });
          return;
        }
        tried.push(which);
        // An earlier attempt, or a concurrent invocation of this step, may have set it already.
        if (await pendingWorks()) {
          logger.info('The pending password already works; nothing to set');
          return;
        }
      }
      throw new NoWorkingCredentialsError(pending.username, tried);
    },
    async test(value, context) {
      await access.run(access.login(value, context.label ?? 'AWSPENDING', context.logger), (session) =>
        access.check(session, value, value.username),
      );
    },
  };
}
