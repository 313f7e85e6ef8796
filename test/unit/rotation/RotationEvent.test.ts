import { describe, expect, it } from 'vitest';
import { InvalidRotationEventError } from '../../../shared/rotation/errors.js';
import { parseRotationEvent } from '../../../shared/rotation/RotationEvent.js';

const valid = {
  Step: 'createSecret',
  SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf',
  ClientRequestToken: '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21',
};

describe('parseRotationEvent', () => {
  it('accepts what Secrets Manager sends, with and without a RotationToken', () => {
    expect(parseRotationEvent(valid)).toEqual({
      step: 'createSecret',
      secretId: valid.SecretId,
      token: valid.ClientRequestToken,
      rotationToken: undefined,
    });
    expect(parseRotationEvent({ ...valid, RotationToken: 'rt-1' }).rotationToken).toBe('rt-1');
  });

  it.each([
    ['event', null],
    ['event', []],
    ['event', 'createSecret'],
    ['Step', { ...valid, Step: 'create_secret' }],
    ['Step', { ...valid, Step: undefined }],
    ['SecretId', { ...valid, SecretId: '' }],
    ['SecretId', { ...valid, SecretId: 7 }],
    ['SecretId', { ...valid, SecretId: 'x'.repeat(2049) }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: 'short' }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: 'x'.repeat(65) }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: `${'x'.repeat(31)} y` }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: 123 }],
    ['RotationToken', { ...valid, RotationToken: 5 }],
    ['RotationToken', { ...valid, RotationToken: '' }],
  ])('rejects a bad %s with a named error', (field, event) => {
    let caught: unknown;
    try {
      parseRotationEvent(event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRotationEventError);
    expect((caught as InvalidRotationEventError).field).toBe(field);
  });

  it('does not quote the rejected content in its message', () => {
    expect(() => parseRotationEvent({ ...valid, ClientRequestToken: 'leaky-value' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('leaky-value') }),
    );
  });
});
