import { matchesSecretPattern, ServiceSecret } from '@secrets-rotation/cdk';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { rotationStack } from './stacks.js';

const OTHER_MASTER = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-9999-ZzZzZz';

/** Each mistake fails while the app is synthesized, with what to change, not at the first rotation. */
describe('configuration mistakes fail at synth', () => {
  it('a master secret outside the allow-list', () => {
    const { stack, rotation } = rotationStack({ lists: true, vpc: true });
    const other = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Elsewhere', OTHER_MASTER);
    expect(() =>
      rotation.postgresAlternatingUsers({ masterSecret: other, databaseReachableWithoutVpc: true }),
    ).toThrow(
      /masterSecret Rotation\/Elsewhere is not in the construct's masterSecrets: .*add it to masterSecrets/,
    );
    expect(() =>
      rotation.postgresSingleUser({ masterSecret: other, databaseReachableWithoutVpc: true }),
    ).toThrow(/is not in the construct's masterSecrets/);
  });

  it('an admin secret outside the allow-list', () => {
    const { stack, rotation } = rotationStack();
    const admin = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', OTHER_MASTER);
    expect(() => rotation.apiToken({ adminSecret: admin })).toThrow(/is not in the construct's adminSecrets/);
  });

  it('alternating users without a master secret', () => {
    const { rotation } = rotationStack({ lists: true });
    const options = { databaseReachableWithoutVpc: true } as unknown as Parameters<
      typeof rotation.postgresAlternatingUsers
    >[0];
    expect(() => rotation.postgresAlternatingUsers(options)).toThrow(
      /postgresAlternatingUsers needs masterSecret/,
    );
  });

  it('a Postgres function given no way to its database', () => {
    const { rotation } = rotationStack({ vpc: true });
    expect(() => rotation.postgresSingleUser({})).toThrow(
      /postgres-single-user needs network access to its database/,
    );
  });

  it('a Postgres function outside any VPC given a database in one', () => {
    const { stack, rotation } = rotationStack();
    const database = new ec2.Connections({
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Db', 'sg-0123456789abcdef0')],
      defaultPort: ec2.Port.tcp(5432),
    });
    expect(() => rotation.postgresSingleUser({ database })).toThrow(
      /runs outside any VPC, so it cannot reach the database/,
    );
  });

  it('a database with no security group or port to open', () => {
    const { rotation } = rotationStack({ vpc: true });
    expect(() => rotation.postgresSingleUser({ database: new ec2.Connections() })).toThrow(
      /no security group to open/,
    );
  });

  it('an allow-list entry without its complete ARN', () => {
    expect(() =>
      rotationStack({
        props: {
          masterSecrets: [
            secretsmanager.Secret.fromSecretNameV2(
              rotationStack().stack,
              'ByName',
              '/platform/postgres/master',
            ),
          ],
        },
      }),
    ).toThrow(/masterSecrets: .* has no complete ARN \(import it with Secret.fromSecretCompleteArn\)/);
  });

  it('a rotated secret named outside rotatedSecretPattern', () => {
    const { app, stack, rotation } = rotationStack();
    const secret = new secretsmanager.Secret(stack, 'Stray', { secretName: '/apps/orders/prod' });
    secret.addRotationSchedule('Rotation', rotation.randomValue());
    expect(() => app.synth()).toThrow(
      /the secret \/apps\/orders\/prod .* is outside rotatedSecretPattern "\/services\/\*": random-value could not rotate it/,
    );
  });

  it('a service secret outside rotatedSecretPattern', () => {
    const { stack, rotation } = rotationStack({ props: { rotatedSecretPattern: '/apps/*' } });
    expect(() => new ServiceSecret(stack, 'Orders', { service: 'orders', stage: 'prod', rotation })).toThrow(
      /\/services\/orders\/prod is outside the rotation functions' rotatedSecretPattern "\/apps\/\*"/,
    );
  });

  it('settings template.yaml would refuse as parameters', () => {
    expect(() =>
      rotationStack({ props: { tokenProviderAllowedOrigins: ['http://api.example.com'] } }),
    ).toThrow(/is not an https:\/\/ origin/);
    expect(() => rotationStack({ props: { reservedConcurrency: 0 } })).toThrow(/reservedConcurrency/);
    expect(() => rotationStack({ props: { rotatedSecretPattern: '/services/{x}' } })).toThrow(
      /rotatedSecretPattern/,
    );
  });
});

describe('matchesSecretPattern', () => {
  it('matches the name part of a secret ARN as IAM does', () => {
    expect(matchesSecretPattern('/services/orders/prod', '/services/*')).toBe(true);
    expect(matchesSecretPattern('/services/orders/prod', '/services/orders/prod-??????')).toBe(true);
    expect(matchesSecretPattern('/services/orders/prod', '/services/orders/prod')).toBe(false);
    expect(matchesSecretPattern('/apps/orders', '/services/*')).toBe(false);
  });
});
