import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  errorClassOf,
  KNOWN_AWS_ERROR_NAMES,
  PROJECT_ERROR_CLASSES,
  UNEXPECTED_ERROR_CLASS,
} from '../../../shared/metrics/errorClassOf.js';
import { isSecretsManagerThrottle } from '../../../shared/metrics/isSecretsManagerThrottle.js';
import { StuckRotationError } from '../../../shared/rotation/errors.js';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where the errors a function can throw are defined: its own code and the library it bundles. */
const ERROR_SOURCES = ['shared', 'packages/rotating-secrets/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const awsError = (name: string) => Object.assign(new Error(`${name} from the service`), { name });

describe('the project error classes', () => {
  const sources = ERROR_SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) =>
    readFileSync(file, 'utf8'),
  );
  const classes = new Set(
    sources.flatMap((s) => [...s.matchAll(/class (\w+) extends Error\b/g)].map((m) => m[1])),
  );
  const names = new Set(
    sources.flatMap((s) => [...s.matchAll(/override readonly name = '(\w+)'/g)].map((m) => m[1])),
  );

  it('lists exactly the error classes the functions can throw', () => {
    // A scan that finds nothing would pass without proving anything.
    expect(classes.size).toBeGreaterThan(30);
    expect([...PROJECT_ERROR_CLASSES].sort()).toEqual([...classes].sort());
  });

  it('names each class after itself, so the dimension reads as the class', () => {
    expect([...names].sort()).toEqual([...classes].sort());
  });
});

describe('errorClassOf', () => {
  it("is a project error's class name", () => {
    expect(errorClassOf(new StuckRotationError('arn:secret', 'v1', 'v0'))).toBe('StuckRotationError');
    expect(errorClassOf(new SecretsManagerCallError('GetSecretValue', 'app/db', awsError('X')))).toBe(
      'SecretsManagerCallError',
    );
  });

  it('is the name of an AWS error from the known set', () => {
    for (const name of KNOWN_AWS_ERROR_NAMES) expect(errorClassOf(awsError(name))).toBe(name);
  });

  it('is Unexpected for anything else, which keeps the dimension bounded', () => {
    const unbounded = [
      new Error('plain'),
      new TypeError('fetch failed'),
      awsError('SomeNewServiceException'),
      awsError('arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf'),
      'a thrown string',
      undefined,
      { name: 'StuckRotationError' },
    ];
    for (const thrown of unbounded) expect(errorClassOf(thrown)).toBe(UNEXPECTED_ERROR_CLASS);
  });
});

describe('isSecretsManagerThrottle', () => {
  const call = (cause: Error) => new SecretsManagerCallError('DescribeSecret', 'app/db', cause);

  it('is true for a Secrets Manager call the service throttled, however deep the wrapping', () => {
    expect(isSecretsManagerThrottle(call(awsError('ThrottlingException')))).toBe(true);
    expect(
      isSecretsManagerThrottle(new Error('master', { cause: call(awsError('ThrottlingException')) })),
    ).toBe(true);
  });

  it('is false for other failures, and for throttling that did not come from Secrets Manager', () => {
    expect(isSecretsManagerThrottle(call(awsError('AccessDeniedException')))).toBe(false);
    expect(isSecretsManagerThrottle(awsError('ThrottlingException'))).toBe(false);
    expect(isSecretsManagerThrottle('ThrottlingException')).toBe(false);
  });
});
