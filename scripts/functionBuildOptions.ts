import { readFileSync } from 'node:fs';
import type { BuildOptions } from 'esbuild';

/**
 * The build properties in functions/build-options.json, in SAM's esbuild vocabulary: the one source of
 * the functions' build options (template.yaml ships what `npm run build` makes with them).
 */
export interface SamEsbuildProperties {
  readonly Format: 'esm' | 'cjs';
  readonly Platform: 'node';
  readonly Target: string;
  readonly Minify: boolean;
  readonly Sourcemap: boolean;
  readonly MainFields: string;
  readonly OutExtension: readonly string[];
  readonly Banner?: readonly string[];
  /** Optional native add-ons a dependency only loads when asked to (pg's pg-native). */
  readonly External?: readonly string[];
}

export const BUILD_PROPERTIES_FILE = new URL('../functions/build-options.json', import.meta.url);

export function readBuildProperties(): SamEsbuildProperties {
  return JSON.parse(readFileSync(BUILD_PROPERTIES_FILE, 'utf8')) as SamEsbuildProperties;
}

function keyValue(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/** Translates the properties into esbuild options, as SAM's esbuild builder reads that vocabulary. */
export function toEsbuildOptions(props: SamEsbuildProperties): BuildOptions {
  return {
    bundle: true,
    format: props.Format,
    platform: props.Platform,
    target: props.Target,
    minify: props.Minify,
    sourcemap: props.Sourcemap,
    mainFields: props.MainFields.split(','),
    outExtension: keyValue(props.OutExtension),
    banner: keyValue(props.Banner ?? []),
    external: [...(props.External ?? [])],
    legalComments: 'none',
    logLevel: 'warning',
  };
}
