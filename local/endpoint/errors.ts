/**
 * A local server was asked to listen on an address other machines can reach without
 * `allowRemote`: it has no authentication and no TLS, so that takes an explicit opt-in.
 */
export class RemoteBindRefusedError extends Error {
  override readonly name = 'RemoteBindRefusedError';

  constructor(readonly host: string) {
    super(
      `Refusing to listen on ${host}: it is not a loopback address, and the local stack has no ` +
        'authentication and no TLS. To expose it anyway, pass --allow-remote together with --host ' +
        '(allowRemote: true from code).',
    );
  }
}
