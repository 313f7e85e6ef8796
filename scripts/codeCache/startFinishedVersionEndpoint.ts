import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Secrets Manager stand-in for one createSecret: DescribeSecret answers that the token's version is
 * already AWSCURRENT, so the step succeeds after its first round of calls, and every read it made
 * ahead finds nothing.
 */
export async function startFinishedVersionEndpoint(
  secretArn: string,
  token: string,
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      const describe = String(request.headers['x-amz-target']).endsWith('.DescribeSecret');
      response.writeHead(describe ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(
          describe
            ? {
                ARN: secretArn,
                Name: 'stand-in',
                RotationEnabled: true,
                VersionIdsToStages: { [token]: ['AWSCURRENT'] },
              }
            : { __type: 'ResourceNotFoundException', message: 'not found' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
