import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { SecretFormatError } from '../../../shared/secrets/errors.js';
import { createRandomValueTarget } from '../../../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../../../shared/targets/random-value/RandomValueConfig.js';

const context = {
  secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x-AbCdEf',
  versionId: 'v'.repeat(32),
  logger: new Logger({ logLevel: 'SILENT' }),
};

describe('the random-value target', () => {
  it('replaces every configured key and keeps the others', async () => {
    const target = createRandomValueTarget(loadRandomValueConfig({ VALUE_KEYS: 'apiKey, signingKey' }));
    const current = target.parse('{"apiKey":"old-api-key-1","signingKey":"old-signing-1","owner":"team-a"}');

    const next = await target.generate(current, context);

    expect(next['apiKey']).not.toBe('old-api-key-1');
    expect(next['signingKey']).not.toBe('old-signing-1');
    expect(next['apiKey']).toHaveLength(32);
    expect(next['owner']).toBe('team-a');
  });

  it('accepts a first value that does not have the keys yet, and tests them once generated', async () => {
    const target = createRandomValueTarget(loadRandomValueConfig({}));
    const current = target.parse('{}');

    await expect(target.test(current, context)).rejects.toBeInstanceOf(SecretFormatError);
    await expect(target.test(await target.generate(current, context), context)).resolves.toBeUndefined();
  });

  it('rejects a key of the wrong type, naming it', () => {
    const target = createRandomValueTarget(loadRandomValueConfig({}));

    expect(() => target.parse('{"password":1}')).toThrow("key 'password' must be a string");
  });

  it('rejects an empty key list', () => {
    expect(() => loadRandomValueConfig({ VALUE_KEYS: ' , ' })).toThrow(/VALUE_KEYS/);
  });
});
