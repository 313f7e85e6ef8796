/** template.yaml's logical ID for functions/<name>: `postgres-single-user` is `PostgresSingleUserFunction`. */
export function samLogicalId(name: string): string {
  return `${name
    .split('-')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('')}Function`;
}

/**
 * The Makefile `sam build` runs for a function built into dist/<name>/ (BuildMethod: makefile): it
 * copies every file the build wrote there, this Makefile aside, into SAM's artifacts directory.
 */
export function samMakefile(name: string): string {
  return [
    '# Written by npm run build (scripts/samMakefile.ts). sam build runs the target below in a copy of',
    '# this directory; the function ships as npm run build made it.',
    `build-${samLogicalId(name)}:`,
    '\tfind . -maxdepth 1 -type f ! -name Makefile -exec cp {} "$(ARTIFACTS_DIR)" \\;',
    '',
  ].join('\n');
}
