import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { PasswordPolicy } from '../passwords/PasswordPolicy.js';
import { SecretsManagerCallError } from './errors.js';
import type { SecretMetadata } from './SecretMetadata.js';
import type { SecretService, SecretVersionValue, VersionSelector } from './SecretStore.js';

/**
 * The only module that talks to Secrets Manager. It turns SDK shapes into small results and
 * names the version explicitly on every read, so a rotation never acts on an implied version.
 */
export class SecretsManagerStore implements SecretService {
  readonly #client: SecretsManagerClient;

  constructor(client: SecretsManagerClient) {
    this.#client = client;
  }

  async describe(secretId: string): Promise<SecretMetadata> {
    const out = await this.#call('DescribeSecret', secretId, () =>
      this.#client.send(new DescribeSecretCommand({ SecretId: secretId })),
    );
    const versions = new Map<string, readonly string[]>();
    for (const [versionId, stages] of Object.entries(out.VersionIdsToStages ?? {})) {
      versions.set(versionId, stages);
    }
    return {
      arn: out.ARN ?? secretId,
      name: out.Name ?? secretId,
      rotationEnabled: out.RotationEnabled === true,
      rotationLambdaArn: out.RotationLambdaARN,
      versions,
      tags: new Map(
        (out.Tags ?? []).flatMap((tag) =>
          tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? ''] as [string, string]],
        ),
      ),
    };
  }

  /** A password from `GetRandomPassword`, for functions configured to use it over local generation. */
  async getRandomPassword(policy: PasswordPolicy): Promise<string> {
    const out = await this.#call('GetRandomPassword', '-', () =>
      this.#client.send(
        new GetRandomPasswordCommand({
          PasswordLength: policy.length,
          ExcludeCharacters: policy.excludeCharacters,
          RequireEachIncludedType: true,
        }),
      ),
    );
    if (out.RandomPassword === undefined)
      throw new SecretsManagerCallError('GetRandomPassword', '-', undefined);
    return out.RandomPassword;
  }

  async getValue(secretId: string, selector: VersionSelector): Promise<SecretVersionValue | undefined> {
    try {
      const out = await this.#client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          ...(selector.stage === undefined ? {} : { VersionStage: selector.stage }),
          ...(selector.versionId === undefined ? {} : { VersionId: selector.versionId }),
        }),
      );
      if (out.SecretString === undefined || out.VersionId === undefined) return undefined;
      return { versionId: out.VersionId, value: out.SecretString };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw new SecretsManagerCallError('GetSecretValue', secretId, error);
    }
  }

  async putPending(
    secretId: string,
    versionId: string,
    value: string,
    rotationToken: string | undefined,
  ): Promise<void> {
    await this.#call('PutSecretValue', secretId, () =>
      this.#client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: versionId,
          SecretString: value,
          VersionStages: ['AWSPENDING'],
          ...(rotationToken === undefined ? {} : { RotationToken: rotationToken }),
        }),
      ),
    );
  }

  async moveCurrent(secretId: string, toVersionId: string, fromVersionId: string | undefined): Promise<void> {
    await this.#call('UpdateSecretVersionStage', secretId, () =>
      this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: toVersionId,
          ...(fromVersionId === undefined ? {} : { RemoveFromVersionId: fromVersionId }),
        }),
      ),
    );
  }

  async #call<T>(operation: string, secretId: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new SecretsManagerCallError(operation, secretId, error);
    }
  }
}
