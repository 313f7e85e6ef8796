import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RdsClusterFixture, RdsInstanceFixture } from './RdsFixtures.js';

export interface RdsServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly instances?: readonly RdsInstanceFixture[];
  readonly clusters?: readonly RdsClusterFixture[];
}

export interface RdsServer {
  readonly url: string;
  /** Query-protocol Action names served, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** An element, or nothing when the value is absent, since RDS omits unset fields. */
function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The SDK's deserializer reads list members by these exact names (plain `member` when unnamed). */
function list(name: string, memberName: string, values: readonly string[] | undefined): string {
  return values === undefined
    ? ''
    : `<${name}>${values.map((v) => element(memberName, v)).join('')}</${name}>`;
}

function describeInstance(instance: RdsInstanceFixture): string {
  return [
    '<DBInstance>',
    element('DBInstanceIdentifier', instance.identifier),
    element('Engine', instance.engine ?? 'postgres'),
    `<Endpoint>${element('Address', instance.address)}${element('Port', instance.port ?? 5432)}</Endpoint>`,
    element('DBName', instance.dbName),
    element('DBClusterIdentifier', instance.clusterIdentifier),
    element('ReadReplicaSourceDBInstanceIdentifier', instance.readReplicaSourceIdentifier),
    list(
      'ReadReplicaDBInstanceIdentifiers',
      'ReadReplicaDBInstanceIdentifier',
      instance.readReplicaIdentifiers,
    ),
    '</DBInstance>',
  ].join('');
}

function describeCluster(cluster: RdsClusterFixture): string {
  const members = cluster.members
    .map(
      (m) =>
        `<DBClusterMember>${element('DBInstanceIdentifier', m.instanceIdentifier)}${element('IsClusterWriter', m.isWriter)}</DBClusterMember>`,
    )
    .join('');
  return [
    '<DBCluster>',
    element('DBClusterIdentifier', cluster.identifier),
    element('Engine', cluster.engine ?? 'aurora-postgresql'),
    element('Endpoint', cluster.endpoint),
    element('ReaderEndpoint', cluster.readerEndpoint),
    list('CustomEndpoints', 'member', cluster.customEndpoints),
    element('Port', cluster.port),
    element('DatabaseName', cluster.databaseName),
    `<DBClusterMembers>${members}</DBClusterMembers>`,
    '</DBCluster>',
  ].join('');
}

function send(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function result(res: ServerResponse, action: string, inner: string): void {
  send(
    res,
    200,
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${inner}</${action}Result>` +
      `<ResponseMetadata>${element('RequestId', randomUUID())}</ResponseMetadata></${action}Response>`,
  );
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  send(
    res,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>${element('Code', code)}` +
      `${element('Message', message)}</Error>${element('RequestId', randomUUID())}</ErrorResponse>`,
  );
}

/** RDS takes an identifier or the resource's ARN (`arn:aws:rds:<region>:<account>:db:<id>`) alike. */
function identifier(value: string | null, kind: 'db' | 'cluster'): string | null {
  if (value === null) return null;
  const match = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):(.+)$/.exec(value);
  if (match === null) return value;
  return match[1] === kind ? (match[2] ?? value) : value;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A fake of the RDS Query API (DescribeDBInstances, DescribeDBClusters) for the real
 * `@aws-sdk/client-rds` to call through an endpoint override; credentials and signatures are not checked.
 */
export async function startRdsServer(options: RdsServerOptions = {}): Promise<RdsServer> {
  const instances = options.instances ?? [];
  const clusters = options.clusters ?? [];
  const requests: string[] = [];

  const server = createServer(async (req, res) => {
    const params = await readForm(req);
    const action = params.get('Action') ?? '';
    requests.push(action);

    if (action === 'DescribeDBInstances') {
      const id = identifier(params.get('DBInstanceIdentifier'), 'db');
      const found = id === null ? instances : instances.filter((i) => i.identifier === id);
      // RDS reports this code; the SDK maps it to DBInstanceNotFoundFault.
      if (id !== null && found.length === 0)
        return error(res, 404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
      return result(res, action, `<DBInstances>${found.map(describeInstance).join('')}</DBInstances>`);
    }
    if (action === 'DescribeDBClusters') {
      const id = identifier(params.get('DBClusterIdentifier'), 'cluster');
      const found = id === null ? clusters : clusters.filter((c) => c.identifier === id);
      if (id !== null && found.length === 0)
        return error(res, 404, 'DBClusterNotFoundFault', `DBCluster ${id} not found.`);
      return result(res, action, `<DBClusters>${found.map(describeCluster).join('')}</DBClusters>`);
    }
    return error(res, 400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
