import type { Plugin } from 'esbuild';

/**
 * Node modules that dependencies import at load time but that a cold start's first request never
 * uses: the SDK's shared config file loader (`node:fs/promises`, which also loads readline and file
 * watchers), for files Lambda does not have and the functions do not read there
 * (shared/secrets/lambdaClientSettings.ts). Each stands in for the module and loads it at its first
 * use, so what uses it works as before.
 */
const LAZY = new Set(['fs/promises', 'node:fs/promises']);

export function lazyNodeModules(): Plugin {
  return {
    name: 'lazy-node-modules',
    setup(build) {
      build.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
        LAZY.has(args.path) && args.importer.includes('node_modules')
          ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-node-module' }
          : undefined,
      );
      // An ES module of one function per export of the real module, each loading it at its first
      // call, and a default export of them all (with getters for its other values): a named import of
      // anything but a function fails the build instead of loading the module eagerly.
      build.onLoad({ filter: /.*/, namespace: 'lazy-node-module' }, async (args) => {
        const real = (await import(`node:${args.path}`)) as Record<string, unknown>;
        const names = Object.keys(real).filter((name) => name !== 'default');
        const functions = names.filter((name) => typeof real[name] === 'function');
        const values = names.filter((name) => typeof real[name] !== 'function');
        return {
          loader: 'js',
          contents: [
            'let loaded;',
            `const load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));`,
            ...functions.map((name) => `export const ${name} = (...args) => load().${name}(...args);`),
            // The default export stands for the whole module: its other values (constants) load it.
            `export default { ${[...functions, ...values.map((name) => `get ${name}() { return load().${name}; }`)].join(', ')} };`,
          ].join('\n'),
        };
      });
    },
  };
}
