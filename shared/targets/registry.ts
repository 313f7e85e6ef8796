import { apiToken } from './api-token/index.js';
import { postgresAlternatingUsers, postgresSingleUser } from './postgres/index.js';
import { randomValue } from './random-value/index.js';
import type { TargetDefinition } from './TargetDefinition.js';

/**
 * Every target, most specific shape first (a value is matched against `recognizes` in this
 * order). Adding a target: its folder's index.ts, one line here, `functions/<name>/index.ts`;
 * the registry's test then names whatever else is missing (template, demo, fault matrix).
 */
export const TARGETS: readonly TargetDefinition[] = Object.freeze([
  apiToken,
  postgresAlternatingUsers,
  postgresSingleUser,
  randomValue,
]);

export const TARGET_NAMES: readonly string[] = Object.freeze(TARGETS.map((target) => target.name));

export function targetNamed(name: string): TargetDefinition | undefined {
  return TARGETS.find((target) => target.name === name);
}
