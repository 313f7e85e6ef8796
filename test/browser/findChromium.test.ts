import { describe, expect, it } from 'vitest';
import { findChromium } from '../support/findChromium.js';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and fails saying how to install a browser when it names none', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath }, [])).toBe(process.execPath);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      'CHROMIUM_PATH is /nonexistent/chromium, which is not an executable file. Install it with `apt-get install -y chromium`',
    );
  });

  it('fails, never skips, when no standard path has a browser', () => {
    expect(() => findChromium({}, ['/nonexistent/chromium', '/nonexistent/google-chrome'])).toThrow(
      'The browser tests need Chromium and found none (CHROMIUM_PATH unset; looked in /nonexistent/chromium, ' +
        '/nonexistent/google-chrome). Install it with `apt-get install -y chromium` (Debian/Ubuntu; sudo when ' +
        'not root), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  });

  it('finds the first standard path that is an executable', () => {
    expect(findChromium({}, ['/nonexistent/chromium', process.execPath])).toBe(process.execPath);
  });
});
