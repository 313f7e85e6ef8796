import { readFileSync } from 'node:fs';
import { NAG_ACKNOWLEDGEMENTS, nagRuleId, ServiceSecret } from '@secrets-rotation/cdk';
import { type App, Validations } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { rotationStack } from './stacks.js';

/** The construct with every helper in use, in a VPC, with the lists set: everything it can create. */
function everything(app?: (app: App) => void) {
  const built = rotationStack({ lists: true, vpc: true });
  app?.(built.app);
  const { stack, rotation, masters, admins } = built;
  const service = (name: string) =>
    new ServiceSecret(stack, name, { service: name, stage: 'prod', rotation });
  service('signing').secret.addRotationSchedule('Rotation', rotation.randomValue());
  service('token').secret.addRotationSchedule(
    'Rotation',
    rotation.apiToken({ adminSecret: admins[0] as secretsmanager.ISecret }),
  );
  service('orders').secret.addRotationSchedule(
    'Rotation',
    rotation.postgresSingleUser({ databaseReachableWithoutVpc: true }),
  );
  service('billing').secret.addRotationSchedule(
    'Rotation',
    rotation.postgresAlternatingUsers({
      masterSecret: masters[0] as secretsmanager.ISecret,
      databaseReachableWithoutVpc: true,
    }),
  );
  return built;
}

describe("cdk-nag's AwsSolutions pack", () => {
  it('finds nothing unacknowledged in the synthesized stack', () => {
    const { app } = everything((app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)));
    expect(() => app.synth()).not.toThrow();
  });

  it('finds nothing unacknowledged with every list empty and outside a VPC', () => {
    const { app } = rotationStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('still fails the synth on a finding nobody acknowledged', () => {
    const { app, stack } = rotationStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new sns.Topic(stack, 'Unencrypted');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS/);
  });

  it('has a reason for every acknowledgement, in the code and in docs/deploy.md', () => {
    const guide = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    for (const acknowledgement of NAG_ACKNOWLEDGEMENTS) {
      expect(acknowledgement.reason.length).toBeGreaterThan(40);
      const id = nagRuleId(acknowledgement, { inVpc: true, rotatedSecretPattern: '{pattern}' });
      expect(guide.includes(`\`${id}\``), `docs/deploy.md names ${id}`).toBe(true);
      expect(guide.includes(acknowledgement.reason), `docs/deploy.md gives the reason for ${id}`).toBe(true);
    }
  });
});
