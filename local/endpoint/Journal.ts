import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { SecretRecord } from './SecretRecord.js';

type Entry = { readonly put: SecretRecord } | { readonly remove: string };

const COMPACT_AFTER = 2_000;

/**
 * Durable state: a snapshot plus an append-only journal of whole records. Every change is
 * fsynced before the request is answered, so a kill -9 loses nothing acknowledged; a torn last
 * line (the write that was in flight) is ignored on load because it was never acknowledged.
 */
export class Journal {
  readonly #dir: string;
  #fd: number;
  #entries = 0;

  private constructor(dir: string, fd: number, entries: number) {
    this.#dir = dir;
    this.#fd = fd;
    this.#entries = entries;
  }

  static open(dir: string): { journal: Journal; records: Map<string, SecretRecord> } {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const records = new Map<string, SecretRecord>();
    const snapshot = join(dir, 'snapshot.json');
    if (existsSync(snapshot)) {
      for (const record of JSON.parse(readFileSync(snapshot, 'utf8')) as SecretRecord[])
        records.set(record.arn, record);
    }
    const log = join(dir, 'journal.jsonl');
    let entries = 0;
    if (existsSync(log)) {
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        let entry: Entry;
        try {
          entry = JSON.parse(line) as Entry;
        } catch {
          break; // torn tail: never acknowledged
        }
        if ('put' in entry) records.set(entry.put.arn, entry.put);
        else records.delete(entry.remove);
        entries++;
      }
    }
    const journal = new Journal(dir, openSync(log, 'a', 0o600), entries);
    // Rewrite from a clean state so a torn tail is not followed by new lines.
    journal.compact(records);
    return { journal, records };
  }

  put(record: SecretRecord, all: ReadonlyMap<string, SecretRecord>): void {
    this.#append({ put: record }, all);
  }

  remove(arn: string, all: ReadonlyMap<string, SecretRecord>): void {
    this.#append({ remove: arn }, all);
  }

  compact(all: ReadonlyMap<string, SecretRecord>): void {
    const tmp = join(this.#dir, 'snapshot.json.tmp');
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, JSON.stringify([...all.values()]));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.#dir, 'snapshot.json'));
    this.#syncDir();
    closeSync(this.#fd);
    this.#fd = openSync(join(this.#dir, 'journal.jsonl'), 'w', 0o600);
    fsyncSync(this.#fd);
    this.#entries = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #append(entry: Entry, all: ReadonlyMap<string, SecretRecord>): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
    if (++this.#entries >= COMPACT_AFTER) this.compact(all);
  }

  #syncDir(): void {
    const fd = openSync(this.#dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  }
}
