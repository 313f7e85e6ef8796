import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '../../../local/stack/errors.js';
import { LOCK_FILE, lockDataDir } from '../../../local/stack/lockDataDir.js';

const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-lock-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lockDataDir', () => {
  it('writes the pid, refuses a second lock while held and allows one after release', () => {
    const dir = dataDir();
    const lock = lockDataDir(dir);

    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(
      `The data directory ${dir} is in use by another local stack (pid ${process.pid})`,
    );
    // The refused attempts leave no file of their own behind.
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  it('creates the data directory', () => {
    const dir = join(dataDir(), 'new', 'stack');

    lockDataDir(dir).release();

    expect(existsSync(dir)).toBe(true);
  });

  it('takes over an unreadable lock with a note', () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), 'not a pid\n');
    const notes: string[] = [];

    const lock = lockDataDir(dir, { onNote: (note) => notes.push(note) });

    expect(notes).toEqual([
      expect.stringContaining('was not a lock this stack can read; taking the data directory over'),
    ]);
    lock.release();
  });

  it('leaves a lock that is no longer its own on release', () => {
    const dir = dataDir();
    const lock = lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), '1\n');

    lock.release();

    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
  });
});
