import { describe, expect, it } from 'vitest';
import { loadArnAllowList } from '../../../shared/config/ArnAllowList.js';
import { readTemplate } from './readTemplate.js';

// The template's parameter text is what a platform team reads before it deploys: an empty list must
// mean what the functions do with it, and that is "none".
const template = readTemplate('template.yaml');

const LISTS = [
  {
    parameter: 'MasterSecretArns',
    variable: 'ALLOWED_MASTER_SECRET_ARNS',
    says: 'Empty: no master secret at all',
  },
  {
    parameter: 'AdminSecretArns',
    variable: 'ALLOWED_ADMIN_SECRET_ARNS',
    says: 'Empty: no admin secret at all',
  },
] as const;

/** The value CloudFormation gives the variable for a CommaDelimitedList parameter, as !Join [",", list]. */
const deployed = (list: readonly string[]) => list.join(',');

describe('the allow-list parameters', () => {
  it.each(LISTS)('$parameter defaults to empty and says that means none', ({ parameter, says }) => {
    const definition = template.Parameters[parameter] ?? {};
    expect(definition['Default']).toBe('');
    expect(String(definition['Description']).replace(/\s+/g, ' ')).toContain(says);
  });

  it.each(LISTS)(
    '$variable from the default $parameter allows no secret in the functions',
    ({ variable }) => {
      const list = loadArnAllowList({ [variable]: deployed([]) }, variable);
      expect(list.patterns).toEqual([]);
      expect(
        list.allows('arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/master-AbCdEf'),
      ).toBe(false);
      expect(list.any).toBe(false);
    },
  );

  it.each(LISTS)('$parameter cannot express the unsafe "*"', ({ parameter }) => {
    const pattern = new RegExp(String(template.Parameters[parameter]?.['AllowedPattern']));
    expect(pattern.test('*')).toBe(false);
    expect(pattern.test('arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/*')).toBe(false);
    expect(pattern.test('arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/master-AbCdEf')).toBe(
      true,
    );
  });

  it.each(LISTS)('$variable takes the listed ARNs exactly', ({ variable }) => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/master-AbCdEf';
    const list = loadArnAllowList({ [variable]: deployed([arn]) }, variable);
    expect(list.allows(arn)).toBe(true);
    expect(list.allows(`${arn}x`)).toBe(false);
  });
});
