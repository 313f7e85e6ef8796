import { RemoteBindRefusedError } from './errors.js';

/** A bracketed IPv6 literal or a dotted name, then an optional port; nothing else. */
const HOST_HEADER = /^(?:(\[[0-9a-f:.]+\])|([a-z0-9-]+(?:\.[a-z0-9-]+)*))(?::(\d{1,5}))?$/;
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LOCALHOST = /^(?:[a-z0-9-]+\.)*localhost$/;
const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '[::]']);
const LOOPBACK_NAMES = 'localhost, *.localhost, 127.x.y.z or [::1], with or without a port';

/** One spelling per address: lower case, IPv6 bracketed and compressed (`[::1]`). */
function canonical(host: string): string | undefined {
  const lower = host.toLowerCase();
  const bracketed = lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return undefined;
  }
}

function isLoopbackName(name: string): boolean {
  if (name === '[::1]' || LOCALHOST.test(name)) return true;
  const octets = IPV4_LOOPBACK.exec(name);
  return octets?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/** The name part of a Host header, or undefined when the header is not a plain host[:port]. */
function hostHeaderName(header: string): string | undefined {
  const match = HOST_HEADER.exec(header.toLowerCase());
  if (match === null) return undefined;
  if (match[3] !== undefined && Number(match[3]) > 65_535) return undefined;
  // Names are compared as sent: the URL parser would turn 0x7f.1 into 127.0.0.1.
  return match[1] !== undefined ? canonical(match[1]) : match[2];
}

/** Throws RemoteBindRefusedError for a non-loopback address unless `allowRemote`. */
export function assertBindable(host: string, allowRemote: boolean): void {
  if (!allowRemote && !isLoopbackName(canonical(host) ?? host)) throw new RemoteBindRefusedError(host);
}

export interface HostGuardOptions {
  /** The address the server listens on. */
  readonly host: string;
  /** Lets `host` be an address other machines can reach. */
  readonly allowRemote?: boolean;
}

/** Which requests a local server answers, judged by their Host header. */
export interface HostGuard {
  allows(hostHeader: string | undefined): boolean;
  /** The 403 message: the rule, the Host seen, and how to allow remote use. */
  refusal(service: string, hostHeader: string | undefined): string;
  /** The warning to print when the server is open to other machines; undefined on loopback. */
  warning(service: string, url: string, exposure: string): string | undefined;
}

/**
 * The DNS-rebinding defence of the local servers. A web page whose name an attacker re-points at
 * 127.0.0.1 reaches a loopback server through the browser, but its requests still carry the
 * attacker's name in Host: only loopback names are answered. With `allowRemote` the bound address
 * is accepted too, and any Host when bound to every interface (0.0.0.0 or ::).
 */
export function hostGuard(options: HostGuardOptions): HostGuard {
  assertBindable(options.host, options.allowRemote ?? false);
  const bound = canonical(options.host) ?? options.host.toLowerCase();
  const remote = !isLoopbackName(bound);
  const anyHost = remote && WILDCARDS.has(bound);
  const accepted = remote ? `${LOOPBACK_NAMES}; or ${bound}` : LOOPBACK_NAMES;
  return {
    allows(hostHeader) {
      if (anyHost) return true;
      const name = hostHeader === undefined ? undefined : hostHeaderName(hostHeader);
      return name !== undefined && (isLoopbackName(name) || (remote && name === bound));
    },
    refusal(service, hostHeader) {
      const seen =
        hostHeader === undefined
          ? 'this request has no Host header'
          : `this request's Host is '${hostHeader.slice(0, 100)}'`;
      return (
        `The ${service} only answers requests whose Host header is a loopback name (${accepted}), ` +
        `a defence against DNS rebinding; ${seen}. To use it from another machine, start it with ` +
        '--host <address> --allow-remote.'
      );
    },
    warning(service, url, exposure) {
      if (!remote) return undefined;
      const hosts = anyHost
        ? `It is bound to every interface (${bound}), so it answers any Host header.`
        : `It answers Host names that are loopback names or ${bound}.`;
      return [
        `WARNING: the ${service} is listening on ${url} for other machines (--allow-remote).`,
        `WARNING: ${exposure}`,
        `WARNING: ${hosts}`,
      ].join('\n');
    },
  };
}
