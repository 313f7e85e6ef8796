import { randomInt } from 'node:crypto';
import { characterClasses, type PasswordPolicy } from './PasswordPolicy.js';

/**
 * A CSPRNG password with at least one character of every allowed class. Generated locally rather
 * than with GetRandomPassword: same quality, one Secrets Manager call fewer per rotation.
 */
export function generatePassword(policy: PasswordPolicy): string {
  const classes = characterClasses(policy);
  const alphabet = classes.join('');
  const chars: string[] = [];
  for (const group of classes.slice(0, policy.length)) chars.push(pick(group));
  while (chars.length < policy.length) chars.push(pick(alphabet));
  // Fisher–Yates, so the guaranteed characters do not sit at predictable positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}
