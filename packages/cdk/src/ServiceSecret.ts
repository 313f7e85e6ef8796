import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RotationFunctions } from './RotationFunctions.js';
import { matchesSecretPattern } from './secretPattern.js';

export interface ServiceSecretProps {
  /** The service, e.g. `orders`: lower case letters, digits and dashes, starting with a letter. */
  readonly service: string;
  /** The stage, e.g. `prod`. */
  readonly stage: string;
  /**
   * The functions that will rotate it: the secret's name is checked against their
   * `rotatedSecretPattern`, since they could not touch a secret outside it.
   * @default - not checked
   */
  readonly rotation?: RotationFunctions;
  readonly description?: string;
  /** @default - a 32-character password with no characters that need quoting in a connection string */
  readonly generateSecretString?: secretsmanager.SecretStringGenerator;
}

const NAME_PART = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * One service's secret in the suite's per-service layout (examples/service-secret.yaml): the secret
 * `/services/{service}/{stage}`, encrypted with its own customer-managed key (rotation enabled,
 * alias `{service}-{stage}`), tagged `service` and `stage`. Rotate it with the construct's helpers:
 * `serviceSecret.secret.addRotationSchedule('Rotation', rotation.postgresSingleUser({ database }))`.
 */
export class ServiceSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly key: kms.Key;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: ServiceSecretProps) {
    super(scope, id);
    for (const [part, value] of [
      ['service', props.service],
      ['stage', props.stage],
    ] as const) {
      if (!NAME_PART.test(value)) {
        throw new Error(`${this.node.path}: ${part} ${JSON.stringify(value)} must match ${NAME_PART}`);
      }
    }
    this.secretName = `/services/${props.service}/${props.stage}`;
    if (
      props.rotation !== undefined &&
      !matchesSecretPattern(this.secretName, props.rotation.rotatedSecretPattern)
    ) {
      throw new Error(
        `${this.node.path}: ${this.secretName} is outside the rotation functions' rotatedSecretPattern ` +
          `${JSON.stringify(props.rotation.rotatedSecretPattern)}, so they could not rotate it`,
      );
    }
    // The key's default policy lets the account's IAM policies grant it: the rotation roles use it
    // only through Secrets Manager and for the secrets they rotate (their own statements say so).
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts ${this.secretName}`,
      enableKeyRotation: true,
      alias: `${props.service}-${props.stage}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: this.secretName,
      encryptionKey: this.key,
      ...(props.description === undefined ? {} : { description: props.description }),
      generateSecretString: props.generateSecretString ?? {
        passwordLength: 32,
        excludeCharacters: ' "\'`/\\@:?#[]%&+=;,',
      },
    });
    Tags.of(this.secret).add('service', props.service);
    Tags.of(this.secret).add('stage', props.stage);
  }
}
