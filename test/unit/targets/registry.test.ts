import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DemoServices, demoRotations } from '../../../local/demo/demoRotations.js';
import { TARGET_NAMES, TARGETS, targetNamed } from '../../../shared/targets/registry.js';
import type { TargetDefinition } from '../../../shared/targets/TargetDefinition.js';
import { LANE_FUNCTIONS } from '../../reliability/faultMatrix/startFaultLanes.js';
import { readTemplate } from '../template/readTemplate.js';

// One registry of targets; every place a target must appear is checked against it here, so a
// target added in one place and forgotten in another fails this test with the place's name.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const functionFolders = readdirSync(`${root}functions`).filter((name) =>
  statSync(`${root}functions/${name}`).isDirectory(),
);
const sorted = (names: Iterable<string>) => [...names].sort();

describe('the target registry', () => {
  it('has one target per function folder, and one function folder per target', () => {
    expect(sorted(TARGET_NAMES)).toEqual(sorted(functionFolders));
    expect(new Set(TARGET_NAMES).size).toBe(TARGET_NAMES.length);
  });

  it.each(TARGET_NAMES)('functions/%s is wired from the target of the same name', async (name) => {
    const source = readFileSync(`${root}functions/${name}/index.ts`, 'utf8');
    const wired = /createFunctionHandler\((\w+), process\.env\)/.exec(source)?.[1];
    const from = new RegExp(`import \\{ [^}]*\\b${wired}\\b[^}]*\\} from '([^']+)'`).exec(source)?.[1];
    expect(wired).toBeDefined();
    expect(from).toBeDefined();
    const module = (await import(
      new URL(`../../../functions/${name}/${from}`, import.meta.url).href
    )) as Record<string, TargetDefinition>;
    expect(module[wired ?? '']?.name).toBe(name);
  });

  it('is deployed by the template: one function per target, as npm run build made it from its folder', () => {
    const template = readTemplate('template.yaml');
    const codeUris = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Serverless::Function')
      .map((resource) => String(resource.Properties?.['CodeUri']));
    expect(sorted(codeUris)).toEqual(sorted(TARGET_NAMES.map((name) => `dist/${name}/`)));
  });

  it('has a demo for every target in npm start', () => {
    const services = { stack: {}, tokenService: {}, postgres: {} } as unknown as DemoServices;
    const demonstrated = new Set(demoRotations(services).map((demo) => demo.functionName));
    expect(TARGET_NAMES.filter((name) => !demonstrated.has(name))).toEqual([]);
  });

  it('has a lane in the fault matrix for every target', () => {
    expect(sorted(LANE_FUNCTIONS)).toEqual(sorted(TARGET_NAMES));
  });

  it('recognizes stored values in order, most specific first', () => {
    const guess = (value: Record<string, unknown>) => TARGETS.find((t) => t.recognizes(value))?.name;
    expect(guess({ token: 't' })).toBe('api-token');
    expect(guess({ host: 'h', username: 'u', masterarn: 'arn' })).toBe('postgres-alternating-users');
    expect(guess({ host: 'h', username: 'u' })).toBe('postgres-single-user');
    expect(guess({ signingKey: 'k' })).toBe('random-value');
    expect(targetNamed('nope')).toBeUndefined();
  });
});
