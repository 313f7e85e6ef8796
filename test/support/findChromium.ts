import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and Google's packages put the browser. */
const STANDARD_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

const HOW_TO_INSTALL =
  'Install it with `apt-get install -y chromium` (Debian/Ubuntu; sudo when not root), or set ' +
  'CHROMIUM_PATH to a Chromium or Chrome binary.';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else the first standard path that exists.
 * Throws (the tests fail, never skip) with how to install one: puppeteer-core downloads none.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  standardPaths: readonly string[] = STANDARD_PATHS,
): string {
  const chosen = env['CHROMIUM_PATH'];
  if (chosen !== undefined && chosen !== '') {
    if (executable(chosen)) return chosen;
    throw new Error(`CHROMIUM_PATH is ${chosen}, which is not an executable file. ${HOW_TO_INSTALL}`);
  }
  const found = standardPaths.find(executable);
  if (found !== undefined) return found;
  throw new Error(
    `The browser tests need Chromium and found none (CHROMIUM_PATH unset; looked in ${standardPaths.join(', ')}). ${HOW_TO_INSTALL}`,
  );
}
