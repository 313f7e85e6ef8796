import { readFileSync } from 'node:fs';

/** Where the page's token goes in console.html: a meta tag the script reads. */
const TOKEN_PLACEHOLDER = '__CONSOLE_TOKEN__';

/** The console's static files, read once when the stack starts; the page carries `token`. */
export interface ConsolePage {
  readonly html: string;
  readonly script: string;
  readonly styles: string;
}

const read = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

export function loadConsolePage(token: string): ConsolePage {
  return {
    html: read('console.html').replace(TOKEN_PLACEHOLDER, token),
    script: read('console.js'),
    styles: read('console.css'),
  };
}
