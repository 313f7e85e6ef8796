import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRotatingPool, createTokenFetch, RotatingSecret } from '@secrets-rotation/rotating-secrets';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`The environment variable ${name} is not set`);
  return value;
}

// Created once at start-up and shared by every request: they follow each rotation without a restart.
const pool = createRotatingPool(required('DB_SECRET_ID'), { max: 10 });
const partnerApi = createTokenFetch({
  secret: new RotatingSecret({
    secretId: required('API_TOKEN_SECRET_ID'),
    parse: (text) => ({ token: String((JSON.parse(text) as { token: unknown }).token) }),
  }),
});
const apiUrl = new URL(required('API_URL'));

const server = createServer(async (_request, response) => {
  try {
    const { rows } = await pool.query<{ username: string }>('SELECT current_user AS username');
    const api = await partnerApi(new URL('/v1/me', apiUrl));
    await api.body?.cancel();
    response.writeHead(api.ok ? 200 : 502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ database: rows[0]?.username, api: api.status }));
  } catch (error) {
    // The library's errors name keys and secret ids, never values: they are safe to log.
    console.error(error);
    response.writeHead(500).end();
  }
});

server.listen(Number(process.env['PORT'] ?? '8080'), () => {
  process.stdout.write(`listening on port ${(server.address() as AddressInfo).port}\n`);
});

// Stop taking requests, then end the pool once checked-out connections are back.
process.once('SIGTERM', () => {
  server.close(() => void pool.end());
});
