/**
 * `traceroute`: the path to a host, hop by hop, the way Linux traceroute 2.1 does it with
 * UDP probes (its default method).
 *
 * Probes are UDP datagrams to ports 33434, 33435... with TTL 1, 2, 3... (`-q` probes per
 * TTL, default 3). A router that would forward a probe with TTL 1 drops it and answers
 * ICMP time exceeded (RFC 792, RFC 1812 §5.3.1) from the interface facing us: that is
 * the hop. The destination has no listener on such a port and answers ICMP port
 * unreachable: the end. Destination unreachable codes print as `!H`, `!N`... and also end
 * the trace, as does reaching `-m` hops (default 30). A probe with no answer within `-w`
 * seconds (default 5) prints `*`.
 *
 * Difference from the real tool, on purpose: probes go one at a time (as `-N 1`), so a
 * learner can follow each probe in the packet list; real traceroute sends up to 16 at
 * once. The printed lines are the same.
 *
 * Left out: ICMP (-I) and TCP (-T) probes, AS lookups, the here/near wait factors.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { UDP } from '../../transport/udp/udp-layer.ts';
import {
  type TracerouteProbe,
  tracerouteAnnotation,
  tracerouteHeaderLine,
  tracerouteHopLine,
} from '../format/traceroute.ts';
import type { Command } from '../shell/command.ts';
import { integerValue, numberValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost, reverseName } from '../shell/resolve-host.ts';

const SPEC = {
  program: 'traceroute',
  options: {
    numeric: { short: 'n' },
    maxHops: { short: 'm', value: integerValue({ label: 'invalid argument', min: 1, max: 255 }) },
    firstTtl: { short: 'f', value: integerValue({ label: 'invalid argument', min: 1, max: 255 }) },
    queries: { short: 'q', value: integerValue({ label: 'invalid argument', min: 1, max: 10 }) },
    wait: { short: 'w', value: numberValue({ label: 'bad wait specifications', min: 0 }) },
    port: { short: 'p', value: integerValue({ label: 'invalid argument', min: 1, max: 65535 }) },
    simultaneous: { short: 'N', value: integerValue({ label: 'invalid argument', min: 1, max: 100 }) },
  },
} as const;

const IP_UDP_HEADERS = 28;

export const traceroute: Command = {
  name: 'traceroute',
  summary: 'print the route packets trace to network host',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 2;
    }
    const o = parsed.options;
    const [target, lengthText] = parsed.positionals;
    if (target === undefined) {
      ctx.err('Specify "host" missing argument.');
      return 2;
    }
    const packetBytes = lengthText === undefined ? 60 : Number(lengthText);
    if (!Number.isInteger(packetBytes) || packetBytes < IP_UDP_HEADERS || packetBytes > 65000) {
      ctx.err(`Bad length specification \`${lengthText}' (position 2, argc 2)`);
      return 2;
    }
    const ip = ctx.node?.service(IPV4);
    const udp = ctx.node?.service(UDP);
    if (!ip || !udp) {
      ctx.err('traceroute: socket: Address family not supported by protocol');
      return 2;
    }
    const resolved = await resolveHost(ctx, target);
    if ('error' in resolved) {
      ctx.err(`${target}: ${resolved.error}`);
      ctx.err(`Cannot handle "host" cmdline arg \`${target}' on position 1 (argc 1)`);
      return 2;
    }
    const dst = resolved.address;
    const maxHops = o.maxHops ?? 30;
    const firstTtl = o.firstTtl ?? 1;
    if (firstTtl > maxHops) {
      ctx.err('first hop out of range');
      return 2;
    }
    const queries = o.queries ?? 3;
    const wait: Time = Math.round((o.wait ?? 5) * SECOND);
    const basePort = o.port ?? 33434;
    const sim = ctx.sim;
    const address = formatIpv4Address(dst);
    ctx.out(tracerouteHeaderLine({ target, address, maxHops, packetBytes }));
    if (!ip.isLocalAddress(dst) && !ip.routes.lookup(dst)) {
      ctx.err('connect: Network is unreachable');
      return 1;
    }

    const socket = udp.bind();
    const data = new Uint8Array(packetBytes - IP_UDP_HEADERS);
    for (let i = 0; i < data.length; i++) data[i] = 0x40 + (i & 0x3f);

    let interrupted = false;
    let pending: {
      port: number;
      sentAt: Time;
      settle: (p: TracerouteProbe & { final: boolean }) => void;
    } | null = null;
    socket.onError = (r) => {
      const p = r.originalPayload;
      if (!pending || p.length < 4 || r.originalDestination !== dst) return;
      const port = (p[2]! << 8) | p[3]!;
      if (port !== pending.port) return;
      const type = r.kind === 'time-exceeded' ? 11 : 3;
      const annotation = tracerouteAnnotation(type, r.code, r.nextHopMtu);
      const from = formatIpv4Address(r.from);
      const final = type === 3;
      pending.settle({
        kind: 'reply',
        from,
        name: o.numeric ? undefined : (reverseName(ctx, r.from) ?? from),
        rttNs: sim.now - pending.sentAt,
        annotation,
        final,
      });
    };
    // A listener on the probed port would answer with UDP: that, too, is the destination.
    socket.onMessage = (m) => {
      if (!pending || m.from !== dst || m.port !== pending.port) return;
      const from = formatIpv4Address(m.from);
      pending.settle({
        kind: 'reply',
        from,
        name: o.numeric ? undefined : (reverseName(ctx, m.from) ?? from),
        rttNs: sim.now - pending.sentAt,
        final: true,
      });
    };

    const probeOnce = (ttl: number, port: number): Promise<TracerouteProbe & { final: boolean }> => {
      const d = sim.deferred<TracerouteProbe & { final: boolean }>();
      let timer: ReturnType<typeof sim.after> | undefined;
      const settle = (p: TracerouteProbe & { final: boolean }) => {
        if (pending?.port !== port) return;
        pending = null;
        timer?.cancel();
        d.resolve(p);
      };
      pending = { port, sentAt: sim.now, settle };
      timer = sim.after(wait, () => settle({ kind: 'timeout', final: false }));
      socket.sendTo(data, dst, port, { ttl });
      return d.promise;
    };

    let cancelWait: (() => void) | undefined;
    ctx.onInterrupt(() => {
      interrupted = true;
      cancelWait?.();
    });

    let port = basePort;
    try {
      for (let ttl = firstTtl; ttl <= maxHops && !interrupted; ttl++) {
        const probes: TracerouteProbe[] = [];
        let reached = false;
        for (let q = 0; q < queries && !interrupted; q++) {
          const result = probeOnce(ttl, port++);
          cancelWait = () => pending?.settle({ kind: 'timeout', final: false });
          const p = await result;
          if (interrupted) break;
          probes.push(p);
          if (p.final) reached = true;
        }
        if (interrupted) break;
        ctx.out(tracerouteHopLine(ttl, probes, { numeric: o.numeric }));
        if (reached) break;
      }
    } finally {
      socket.close();
    }
    return 0;
  },
};
