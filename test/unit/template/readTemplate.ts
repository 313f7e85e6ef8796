import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** The short-form CloudFormation tags, read into their long JSON form. */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
];

const customTags: Tags = [
  { tag: '!Ref', resolve: (value: unknown) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: unknown) => ({ Condition: value }) },
  {
    tag: '!GetAtt',
    resolve: (value: unknown) => ({ 'Fn::GetAtt': typeof value === 'string' ? value.split('.') : value }),
  },
  ...FUNCTIONS.flatMap((name) =>
    (['scalar', 'seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      ...(collection === 'scalar' ? {} : { collection }),
      resolve: (value: unknown) => ({
        [`Fn::${name}`]:
          value !== null && typeof value === 'object' && 'toJSON' in value
            ? (value as { toJSON(): unknown }).toJSON()
            : value,
      }),
    })),
  ),
];

export type Template = {
  Parameters: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Globals?: { Function: Record<string, unknown> };
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
  Outputs?: Record<string, Record<string, unknown>>;
};

export function readTemplate(path: string): Template {
  return parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'), {
    customTags,
  }) as Template;
}
