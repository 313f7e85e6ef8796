import { AwsServiceError } from './AwsServiceError.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';

const SECRET_ID = { min: 1, max: 2048 } as const;
const POLICY = { min: 1, max: 20_480 } as const;
const PUBLIC_MESSAGE =
  'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.';

type Statement = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The statements of a policy document; MalformedPolicyDocumentException when it is not one. */
function statements(text: string): Statement[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined;
  }
  const given = isObject(document) ? document['Statement'] : undefined;
  const list = Array.isArray(given) ? given : isObject(given) ? [given] : [];
  if (
    list.length === 0 ||
    !list.every((s) => isObject(s) && (s['Effect'] === 'Allow' || s['Effect'] === 'Deny'))
  ) {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The resource policy has syntax errors.');
  }
  return list as Statement[];
}

const isWildcard = (principal: unknown): boolean =>
  principal === '*' ||
  (isObject(principal) &&
    Object.values(principal).some((p) => p === '*' || (Array.isArray(p) && p.includes('*'))));

/**
 * Broad access, as BlockPublicPolicy refuses it: an Allow to every principal (`*`) that no
 * Condition narrows.
 */
function grantsPublicAccess(policy: readonly Statement[]): boolean {
  return policy.some(
    (s) => s['Effect'] === 'Allow' && isWildcard(s['Principal']) && s['Condition'] === undefined,
  );
}

/** API_PutResourcePolicy: stores the JSON as given; with BlockPublicPolicy a public policy is refused. */
export function putResourcePolicy(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const policy = input.requiredString('ResourcePolicy', POLICY);
  const parsed = statements(policy);
  if ((input.boolean('BlockPublicPolicy') ?? false) && grantsPublicAccess(parsed)) {
    throw new AwsServiceError('PublicPolicyException', PUBLIC_MESSAGE);
  }
  const record = sm.findWritable(secretId);
  sm.update(record, (draft) => {
    draft.resourcePolicy = policy;
    draft.lastChangedDate = sm.now();
  });
  return { ARN: record.arn, Name: record.name };
}

/** API_GetResourcePolicy: ResourcePolicy is absent when the secret has none. */
export function getResourcePolicy(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId', SECRET_ID));
  return {
    ARN: record.arn,
    Name: record.name,
    ...(record.resourcePolicy === undefined ? {} : { ResourcePolicy: record.resourcePolicy }),
  };
}

/** API_DeleteResourcePolicy. */
export function deleteResourcePolicy(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findWritable(input.requiredString('SecretId', SECRET_ID));
  sm.update(record, (draft) => {
    delete draft.resourcePolicy;
    draft.lastChangedDate = sm.now();
  });
  return { ARN: record.arn, Name: record.name };
}

/**
 * API_ValidateResourcePolicy: syntax (MalformedPolicyDocumentException) and broad access (a failed
 * validation with its reason). The secret, when named, must exist.
 */
export function validateResourcePolicy(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.string('SecretId', SECRET_ID);
  const policy = input.requiredString('ResourcePolicy', POLICY);
  const parsed = statements(policy);
  if (secretId !== undefined) sm.find(secretId);
  const errors = grantsPublicAccess(parsed)
    ? [{ CheckName: 'BLOCK_PUBLIC_POLICY', ErrorMessage: 'The policy grants broad access to the secret.' }]
    : [];
  return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
}
