import { AwsServiceError, invalidParameter } from './AwsServiceError.js';

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

/** Typed access to a request body. Wrong JSON types are SerializationException, as on AWS. */
export class RequestInput {
  constructor(readonly body: Readonly<Record<string, unknown>>) {}

  #typed<T>(name: string, check: (v: unknown) => v is T, type: string): T | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!check(value)) throw new AwsServiceError('SerializationException', `${name} must be a ${type}.`);
    return value;
  }

  string(name: string, bounds: Bounds = {}): string | undefined {
    const value = this.#typed(name, (v): v is string => typeof v === 'string', 'string');
    if (value === undefined) return undefined;
    if (
      (bounds.min !== undefined && value.length < bounds.min) ||
      (bounds.max !== undefined && value.length > bounds.max)
    ) {
      throw invalidParameter(
        `${name} must be between ${bounds.min ?? 0} and ${bounds.max ?? 'any'} characters long.`,
      );
    }
    return value;
  }

  requiredString(name: string, bounds: Bounds = {}): string {
    const value = this.string(name, bounds);
    if (value === undefined) throw invalidParameter(`You must provide a value for the ${name} parameter.`);
    return value;
  }

  integer(name: string, bounds: Bounds = {}): number | undefined {
    const value = this.#typed(
      name,
      (v): v is number => typeof v === 'number' && Number.isInteger(v),
      'whole number',
    );
    if (value === undefined) return undefined;
    if (
      (bounds.min !== undefined && value < bounds.min) ||
      (bounds.max !== undefined && value > bounds.max)
    ) {
      throw invalidParameter(`${name} must be between ${bounds.min} and ${bounds.max}.`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    return this.#typed(name, (v): v is boolean => typeof v === 'boolean', 'boolean');
  }

  stringList(name: string): string[] | undefined {
    return this.#typed(
      name,
      (v): v is string[] => Array.isArray(v) && v.every((item) => typeof item === 'string'),
      'list of strings',
    );
  }

  objectList(name: string): Record<string, unknown>[] | undefined {
    return this.#typed(
      name,
      (v): v is Record<string, unknown>[] =>
        Array.isArray(v) &&
        v.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item)),
      'list of objects',
    );
  }

  object(name: string): Record<string, unknown> | undefined {
    return this.#typed(
      name,
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
      'structure',
    );
  }
}
