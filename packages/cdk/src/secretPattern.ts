/**
 * Whether IAM would let a statement on `secret:<pattern>` reach the secret named `name`: the ARN's
 * name part is the name plus a dash and six characters, and `*` and `?` are IAM's wildcards.
 */
export function matchesSecretPattern(name: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  );
  return regex.test(`${name}-AbCdEf`);
}
