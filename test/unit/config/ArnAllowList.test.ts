import { describe, expect, it } from 'vitest';
import { loadArnAllowList, onlyAllowedArn, refusalOf } from '../../../shared/config/ArnAllowList.js';

const NAME = 'ALLOWED_MASTER_SECRET_ARNS';
const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/master-AbCdEf';

describe('loadArnAllowList', () => {
  it.each([undefined, '', '  ', ' , '])('allows nothing when the variable is %j', (raw) => {
    const list = loadArnAllowList({ [NAME]: raw }, NAME);
    expect(list.allows(ARN)).toBe(false);
    expect(list.any).toBe(false);
    expect(refusalOf(list, ARN)).toContain(`${NAME} is empty`);
    expect(onlyAllowedArn(list)).toBeUndefined();
  });

  it('allows any secret only for an explicit lone *', () => {
    const list = loadArnAllowList({ [NAME]: '*' }, NAME);
    expect(list.any).toBe(true);
    expect(list.allows(ARN)).toBe(true);
    expect(refusalOf(list, ARN)).toBeUndefined();
  });

  it('refuses * mixed with ARNs, and entries that are not Secrets Manager ARNs', () => {
    expect(() => loadArnAllowList({ [NAME]: `*,${ARN}` }, NAME)).toThrow(/ALLOWED_MASTER_SECRET_ARNS/);
    expect(() => loadArnAllowList({ [NAME]: '/platform/master' }, NAME)).toThrow(
      /ALLOWED_MASTER_SECRET_ARNS/,
    );
  });

  it('matches listed ARNs exactly, with * inside an ARN for any run of characters', () => {
    const list = loadArnAllowList(
      { [NAME]: `${ARN}, arn:aws:secretsmanager:us-east-1:111122223333:secret:/shared/*` },
      NAME,
    );
    expect(list.allows(ARN)).toBe(true);
    expect(list.allows(`${ARN}-x`)).toBe(false);
    expect(list.allows('arn:aws:secretsmanager:us-east-1:111122223333:secret:/shared/db-XyZabc')).toBe(true);
    expect(refusalOf(list, 'arn:aws:secretsmanager:us-east-1:111122223333:secret:/other-XyZabc')).toContain(
      `not in ${NAME}`,
    );
  });

  it('names the one ARN a single-entry list allows, for reading it ahead', () => {
    expect(onlyAllowedArn(loadArnAllowList({ [NAME]: ARN }, NAME))).toBe(ARN);
  });
});
