import { createHash } from 'node:crypto';

/**
 * The start of the name of every token rotated for one secret: `<prefix>:<sha256(arn)[:12]>:`.
 * The rotator revokes only tokens whose name starts so, and appends the version id when it
 * issues one. Name a hand-made first token `<family>initial` to let rotation retire it too.
 */
export function tokenNameFamily(prefix: string, secretArn: string): string {
  return `${prefix}:${createHash('sha256').update(secretArn).digest('hex').slice(0, 12)}:`;
}
