import { randomInt } from 'node:crypto';
import { invalidParameter } from './AwsServiceError.js';
import type { RequestInput } from './RequestInput.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** GetRandomPassword with AWS's options and defaults, from the CSPRNG. */
export function getRandomPassword(input: RequestInput): { RandomPassword: string } {
  const length = input.integer('PasswordLength', { min: 1, max: 4096 }) ?? 32;
  const exclude = input.string('ExcludeCharacters', { max: 4096 }) ?? '';
  const keep = (chars: string) => [...chars].filter((c) => !exclude.includes(c)).join('');
  // RequireEachIncludedType asks for "at least one upper and lowercase letter, one number, and one
  // punctuation" (API_GetRandomPassword): the space is allowed, never required, so it does not
  // raise the shortest length (4 with IncludeSpace, as with the defaults).
  const classes = [
    input.boolean('ExcludeLowercase') ? '' : LOWER,
    input.boolean('ExcludeUppercase') ? '' : UPPER,
    input.boolean('ExcludeNumbers') ? '' : DIGITS,
    input.boolean('ExcludePunctuation') ? '' : PUNCTUATION,
  ]
    .map(keep)
    .filter((chars) => chars.length > 0);
  const space = input.boolean('IncludeSpace') ? keep(' ') : '';
  const alphabet = classes.join('') + space;
  if (alphabet.length === 0) throw invalidParameter('The password options exclude every character.');
  const requireEach = input.boolean('RequireEachIncludedType') ?? true;
  if (requireEach && classes.length > length) {
    throw invalidParameter('PasswordLength is too short to include every required character type.');
  }
  const chars = requireEach ? classes.map((group) => group.charAt(randomInt(group.length))) : [];
  while (chars.length < length) chars.push(alphabet.charAt(randomInt(alphabet.length)));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return { RandomPassword: chars.join('') };
}
