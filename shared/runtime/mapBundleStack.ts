import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * Gives stack frames in the bundle their TypeScript file and line, as `--enable-source-maps` does for
 * a module Node loads itself (it does not for code compiled through `vm`, which the loader uses for
 * the code cache). The map is read at the first stack that has a frame in the bundle, so a cold start
 * that throws nothing never parses it. Frames keep the bundle's (minified) function names.
 */
export function mapBundleStack(file: string): void {
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        // No map shipped, or an unreadable one: frames keep the bundle's own positions.
        map = null;
      }
    }
    return map;
  };
  // Node's own formatter (source-map aware for what Node loads itself): traces without a frame in
  // the bundle are left to it, and so is any trace this code fails to format.
  const original = Error.prepareStackTrace;
  const inBundle = (site: NodeJS.CallSite) => site.getFileName() === file;
  const frame = (site: NodeJS.CallSite): string => {
    const text = String(site);
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!inBundle(site) || line === null || column === null) return text;
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    if (entry === undefined || !('originalSource' in entry)) return text;
    const { originalSource, originalLine, originalColumn } = entry as SourceMapping;
    const at = `${resolve(dirname(file), originalSource)}:${originalLine + 1}:${originalColumn + 1}`;
    return text.replace(`${file}:${line}:${column}`, () => at);
  };
  const header = (error: unknown): string => {
    try {
      return Error.prototype.toString.call(error);
    } catch {
      return 'Error';
    }
  };
  Error.prepareStackTrace = (error: unknown, trace: NodeJS.CallSite[]) => {
    if (original !== undefined && !trace.some(inBundle)) return original(error as Error, trace);
    try {
      return `${header(error)}${trace.map((site) => `\n    at ${frame(site)}`).join('')}`;
    } catch {
      return original === undefined ? header(error) : original(error as Error, trace);
    }
  };
}
