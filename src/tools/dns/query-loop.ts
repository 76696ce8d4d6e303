/**
 * What dig, nslookup and host share: building the query they send, asking each server
 * `tries` times until one answers (dighost.c's retry loop), and the environment they
 * need from the host they run on — the simulator's node or the real machine.
 *
 * Every try is one `exchange` (src/application/dns/dns-exchange.ts): a fresh random ID
 * and source port, the answer matched to the question, TCP after a truncated answer.
 * A try that gets no answer is handed to the tool to print in its own words.
 */
import { SECOND } from '../../sim/time.ts';
import { type ExchangeResult, exchange } from '../../application/dns/dns-exchange.ts';
import type { DnsIo } from '../../application/dns/dns-io.ts';
import { type DnsMessage, EMPTY_MESSAGE } from '../../application/dns/dns-message.ts';

/** What the DNS tools need from the host they run on. */
export interface DnsToolEnvironment {
  /** resolv.conf's `nameserver` addresses, used when no server is named. */
  readonly nameservers: readonly string[];
  /** resolv.conf's search list and ndots (dig +search, host, nslookup). */
  readonly search: readonly string[];
  readonly ndots: number;
  /** getaddrinfo for a server given by name: an IPv4 address, or undefined. */
  resolveServer(name: string): Promise<string | undefined>;
  /** Now, in milliseconds since the Unix epoch (the simulated wall clock in a simulation). */
  whenMs(): number;
  /** The version dig prints in its banner. Default '9.18-netlab'. */
  readonly version?: string;
  out(line: string): void;
  err(line: string): void;
}

/** A server to ask, and how the user named it (for `SERVER: a#p(name)`). */
export interface ToolServer {
  readonly address: string;
  readonly port: number;
  readonly name: string;
}

export interface QueryFlags {
  readonly rd?: boolean;
  readonly ad?: boolean;
  readonly cd?: boolean;
  /** EDNS version and UDP size to offer; none when undefined. */
  readonly edns?: { readonly version: number; readonly udpSize: number };
}

/** The query message (its ID is drawn per try by `exchange`). `name` must be absolute. */
export function buildQuery(name: string, type: number, qclass: number, flags: QueryFlags = {}): DnsMessage {
  return {
    ...EMPTY_MESSAGE,
    rd: flags.rd ?? true,
    ad: flags.ad ?? false,
    cd: flags.cd ?? false,
    questions: [{ name, type, class: qclass }],
    ...(flags.edns
      ? {
          edns: {
            udpSize: flags.edns.udpSize,
            extendedRcode: 0,
            version: flags.edns.version,
            dnssecOk: false,
            flags: 0,
            options: [],
          },
        }
      : {}),
  };
}

export interface TryOptions {
  /** Seconds per try. */
  readonly timeout: number;
  readonly tries: number;
  readonly tcp: boolean;
  readonly ignoreTc?: boolean;
}

export type Answered = Extract<ExchangeResult, { ok: true }>;
export type Failed = Extract<ExchangeResult, { ok: false }>;

/**
 * Asks each server in turn, `tries` times each, until one answers. `onFailure` hears
 * every try that got no answer. Resolves with the answer and its server, or undefined.
 */
export async function askServers(
  io: DnsIo,
  message: DnsMessage,
  servers: readonly ToolServer[],
  options: TryOptions,
  onFailure: (failure: Failed, server: ToolServer) => void,
): Promise<{ answer: Answered; server: ToolServer } | undefined> {
  for (const server of servers) {
    for (let t = 0; t < options.tries; t++) {
      const r = await exchange(io, message, server, {
        timeout: options.timeout * SECOND,
        role: 'dig',
        tcp: options.tcp,
        ignoreTc: options.ignoreTc ?? false,
      });
      if (r.ok) return { answer: r, server };
      onFailure(r, server);
    }
  }
  return undefined;
}

/**
 * What BIND's tools print for a try that got no answer:
 * `;; communications error to 10.0.0.53#53: timed out` (or `connection refused`).
 */
export function communicationsError(failure: Failed, server: ToolServer): string {
  const why =
    failure.error === 'timeout'
      ? 'timed out'
      : failure.error === 'refused'
        ? 'connection refused'
        : failure.detail;
  return `;; communications error to ${server.address}#${server.port}: ${why}`;
}

/** The names to try for `name` with a search list (resolv.conf(5) ndots rule). */
export function searchCandidates(name: string, search: readonly string[], ndots: number): string[] {
  if (name.endsWith('.')) return [name];
  const dots = name.split('.').length - 1;
  const searched = search.map((d) => `${name}.${d === '.' ? '' : d}`);
  return dots >= ndots ? [name, ...searched] : [...searched, name];
}
