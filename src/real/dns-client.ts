/**
 * `netlab dig`, `netlab nslookup` and `netlab host`: the very code the shell's commands
 * run (src/tools/dns: dig's option parser and lookups, nslookup, host) over real sockets
 * — node:dgram for UDP, node:net (connectNet) for TCP — printing what BIND's tools print.
 *
 * Real-mode IDs come from a Random seeded by the OS's CSPRNG; UDP source ports are left
 * to the kernel (Linux randomizes ephemeral ports), since binding a chosen port can only
 * fail asynchronously with node:dgram. Each query's UDP socket is connected to its
 * server, as dig's and glibc's are, so an ICMP port unreachable comes back as
 * ECONNREFUSED: "connection refused", not a timeout.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import {
  DatagramQueue,
  type DnsDatagramSocket,
  type DnsIo,
  plainDeferred,
} from '../application/dns/dns-io.ts';
import { DEFAULT_RESOLV_CONF, parseResolvConf, type ResolvConf } from '../application/dns/resolv-conf.ts';
import { Random } from '../sim/random.ts';
import { type DigCommandLine, parseDigCommandLine } from '../tools/dns/dig-options.ts';
import { runDig } from '../tools/dns/dig-run.ts';
import { runHost } from '../tools/dns/host-run.ts';
import { runNslookup } from '../tools/dns/nslookup-run.ts';
import type { DnsToolEnvironment } from '../tools/dns/query-loop.ts';
import { connectNet } from './net-stream.ts';
import { realClock } from './real-clock.ts';

/** The DnsIo of this host. */
export function realDnsIo(): DnsIo {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  const io: DnsIo = {
    node: 'localhost',
    clock: realClock,
    random: new Random(seed, 'real-dns'),
    deferred: plainDeferred,
    openUdp(): DnsDatagramSocket {
      const socket = dgram.createSocket('udp4');
      const queue = new DatagramQueue(io);
      let peer: { address: string; port: number } | undefined;
      socket.on('message', (msg, rinfo) =>
        queue.push({ data: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port } }),
      );
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ECONNREFUSED' && peer) queue.push({ refused: peer });
        else queue.close();
      });
      socket.bind(0);
      return {
        get localPort() {
          return socket.address().port;
        },
        send: (data, to) => {
          if (peer) {
            socket.send(data);
            return;
          }
          peer = { address: to.address, port: to.port };
          socket.connect(to.port, to.address, () => socket.send(data));
        },
        receive: (timeout) => queue.receive(timeout),
        close() {
          queue.close();
          try {
            socket.close();
          } catch {
            // already closed after an error
          }
        },
      };
    },
    connect: (address, port) => connectNet(address, port),
  };
  return io;
}

/** /etc/resolv.conf, or glibc's defaults (127.0.0.1) when it cannot be read. */
export function systemResolvConf(): ResolvConf {
  try {
    return parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return DEFAULT_RESOLV_CONF;
  }
}

/** The first nameserver of /etc/resolv.conf (127.0.0.1 when there is none). */
export function systemNameserver(): string {
  return systemResolvConf().nameservers[0]!;
}

export interface ToolOutput {
  /** What the tool printed on standard output. */
  readonly lines: string[];
  /** What it printed on standard error. */
  readonly errors: string[];
  /** The exit status the real tool would give. */
  readonly status: number;
}

/** The environment of this host: its resolv.conf, getaddrinfo, the wall clock. */
export function realDnsEnvironment(out: (l: string) => void, err: (l: string) => void): DnsToolEnvironment {
  const conf = systemResolvConf();
  return {
    nameservers: conf.nameservers,
    search: conf.search,
    ndots: conf.ndots,
    async resolveServer(name) {
      try {
        return (await lookup(name, { family: 4 })).address;
      } catch {
        return undefined;
      }
    },
    whenMs: () => Date.now(),
    out,
    err,
  };
}

async function collect(run: (env: DnsToolEnvironment) => Promise<number>): Promise<ToolOutput> {
  const lines: string[] = [];
  const errors: string[] = [];
  const status = await run(
    realDnsEnvironment(
      (l) => lines.push(l),
      (l) => errors.push(l),
    ),
  );
  return { lines, errors, status };
}

/** dig's command line, parsed; throws an Error with dig's message for a usage error. */
export function parseDigArgs(argv: readonly string[]): DigCommandLine {
  const cmd = parseDigCommandLine(argv);
  if ('error' in cmd) throw new Error([...cmd.out, ...cmd.error].join('\n'));
  return cmd;
}

export interface RealDigOptions {
  /** Default: /etc/resolv.conf's nameservers. */
  readonly server?: string;
  readonly port?: number;
  readonly name: string;
  /** `A`, `MX`, `TYPE99`... Default A. */
  readonly type?: string;
  readonly tcp?: boolean;
  readonly short?: boolean;
}

/** The dig command line for the simple options. */
export function digArgs(o: RealDigOptions): string[] {
  return [
    ...(o.server !== undefined ? [`@${o.server}`] : []),
    ...(o.port !== undefined ? ['-p', String(o.port)] : []),
    o.name,
    ...(o.type ? [o.type] : []),
    ...(o.tcp ? ['+tcp'] : []),
    ...(o.short ? ['+short'] : []),
  ];
}

/** Runs dig over real sockets: a parsed command line, or the simple options. */
export async function realDig(what: DigCommandLine | RealDigOptions): Promise<ToolOutput> {
  const cmd = 'lookups' in what ? what : parseDigArgs(digArgs(what));
  return collect((env) => runDig(realDnsIo(), cmd, env));
}

/** `nslookup [-opt...] NAME [SERVER]` over real sockets. */
export function realNslookupArgs(argv: readonly string[]): Promise<ToolOutput> {
  return collect((env) => runNslookup(realDnsIo(), argv, env));
}

/** `nslookup NAME [SERVER]` with `-port=P`. */
export function realNslookup(options: { name: string; server?: string; port?: number }): Promise<ToolOutput> {
  return realNslookupArgs([
    ...(options.port !== undefined ? [`-port=${options.port}`] : []),
    options.name,
    ...(options.server !== undefined ? [options.server] : []),
  ]);
}

/** `host [-t TYPE] [-p PORT] ... NAME [SERVER]` over real sockets. */
export function realHost(argv: readonly string[]): Promise<ToolOutput> {
  return collect((env) => runHost(realDnsIo(), argv, env));
}
