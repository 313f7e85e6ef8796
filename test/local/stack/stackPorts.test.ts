import { describe, expect, it } from 'vitest';
import { InvalidPortError } from '../../../local/stack/errors.js';
import { stackPorts } from '../../../local/stack/stackPorts.js';

describe('stackPorts', () => {
  it('defaults to 4566, 4567 and 5433', () => {
    expect(stackPorts({}, {})).toEqual({ port: 4566, tokenPort: 4567, pgPort: 5433 });
  });

  it('picks free ports for the token service and Postgres too when --port is 0', () => {
    expect(stackPorts({ port: '0' }, {})).toEqual({ port: 0, tokenPort: 0, pgPort: 0 });
    expect(stackPorts({}, { LOCAL_STACK_PORT: '0' })).toEqual({ port: 0, tokenPort: 0, pgPort: 0 });
  });

  it('keeps a port given explicitly, by flag or variable, beside --port 0', () => {
    expect(stackPorts({ port: '0', tokenPort: '4567' }, { LOCAL_POSTGRES_PORT: '6000' })).toEqual({
      port: 0,
      tokenPort: 4567,
      pgPort: 6000,
    });
  });

  it('keeps the standard ports for the others when --port is fixed', () => {
    expect(stackPorts({ port: '5000' }, {})).toEqual({ port: 5000, tokenPort: 4567, pgPort: 5433 });
  });

  it('prefers a flag over its environment variable', () => {
    expect(stackPorts({ tokenPort: '7000' }, { LOCAL_TOKEN_SERVICE_PORT: '8000' }).tokenPort).toBe(7000);
  });

  it.each([
    [{ port: 'abc' }, {}, '--port'],
    [{ port: '70000' }, {}, '--port'],
    [{ tokenPort: '-1' }, {}, '--token-port'],
    [{ pgPort: '1e3' }, {}, '--pg-port'],
    [{}, { LOCAL_STACK_PORT: '' }, 'LOCAL_STACK_PORT'],
  ])('refuses %j %j, naming %s', (flags, env, source) => {
    expect(() => stackPorts(flags, env)).toThrow(InvalidPortError);
    expect(() => stackPorts(flags, env)).toThrow(`${source} must be a TCP port number`);
  });
});
