/**
 * `ping`: ICMP echo (RFC 792) the way iputils' ping does it (Debian 12 / Ubuntu 24.04).
 *
 * Behaviour taken from iputils ping_common.c:
 * - a probe every `-i` seconds (default 1), sequence numbers from 1, identifier per run;
 * - the data is 56 bytes by default (`-s`), byte i = i, and when it has room (16 bytes or
 *   more) it starts with the send time as a 64-bit struct timeval, which the reply echoes
 *   back and the round trip is computed from (in whole microseconds);
 * - with `-c N` ping stops as soon as N replies or errors came back; otherwise, after the
 *   last probe, it waits 2 × the longest round trip seen (at least one interval) when
 *   something was answered, or `-W` seconds (default 10) when nothing was;
 * - replies already seen are marked (DUP!); ICMP errors about a probe print as
 *   `From ROUTER icmp_seq=N Destination Host Unreachable` and count as errors;
 * - Ctrl-C (and the end of a run) prints the statistics at once;
 * - exit status 0 when anything was answered, 1 when nothing was (or fewer than `-c`
 *   with `-w`), 2 for usage errors.
 *
 * Left out: flood (-f) and adaptive (-A) modes, patterns (-p), record route (-R), IPv6.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import type { EchoEvent } from '../../internet/icmp-layer.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { pingHeaderLine, pingIcmpErrorText, pingLine, pingSummaryLines } from '../format/ping.ts';
import type { Command } from '../shell/command.ts';
import { integerValue, LONG_MAX, numberValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost, reverseName } from '../shell/resolve-host.ts';

const TIMEVAL_BYTES = 16;
const DEFAULT_LINGER = 10 * SECOND;

const SPEC = {
  program: 'ping',
  options: {
    count: { short: 'c', value: integerValue({ label: 'invalid argument', min: 1, max: LONG_MAX }) },
    interval: { short: 'i', value: numberValue({ label: 'bad timing interval', min: 0 }) },
    size: { short: 's', value: integerValue({ label: 'invalid argument', min: 0, max: 65507 }) },
    ttl: { short: 't', value: integerValue({ label: 'invalid argument', min: 0, max: 255 }) },
    linger: { short: 'W', value: numberValue({ label: 'bad linger time', min: 0 }) },
    deadline: { short: 'w', value: integerValue({ label: 'invalid argument', min: 0, max: 2147483647 }) },
    iface: { short: 'I', value: stringValue() },
    numeric: { short: 'n' },
    quiet: { short: 'q' },
    dontFragment: { short: 'M', value: stringValue() },
    help: { short: 'h' },
  },
} as const;

const USAGE = [
  'Usage',
  '  ping [options] <destination>',
  '',
  'Options:',
  '  -c <count>         stop after <count> replies',
  '  -i <interval>      seconds between sending each packet',
  '  -I <interface>     either interface name or address',
  '  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>',
  '  -n                 no dns name resolution',
  '  -q                 quiet output',
  '  -s <size>          use <size> as number of data bytes to be sent',
  '  -t <ttl>           define time to live',
  '  -w <deadline>      reply wait <deadline> in seconds',
  '  -W <timeout>       time to wait for response',
];

export const ping: Command = {
  name: 'ping',
  summary: 'send ICMP ECHO_REQUEST to network hosts',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 2;
    }
    const o = parsed.options;
    if (o.help) {
      for (const l of USAGE) ctx.out(l);
      return 2;
    }
    if (parsed.positionals.length === 0) {
      ctx.err('ping: usage error: Destination address required');
      return 2;
    }
    if (o.dontFragment !== undefined && !['do', 'dont', 'want'].includes(o.dontFragment)) {
      ctx.err(`ping: invalid -M argument: ${o.dontFragment}`);
      return 2;
    }
    const ip = ctx.node?.service(IPV4);
    if (!ip) {
      ctx.err('ping: socket: Address family not supported by protocol');
      return 2;
    }
    const target = parsed.positionals[parsed.positionals.length - 1]!;
    const resolved = await resolveHost(ctx, target);
    if ('error' in resolved) {
      ctx.err(`ping: ${target}: ${resolved.error}`);
      return 2;
    }
    const dst = resolved.address;
    let source: number | undefined;
    let device: string | undefined;
    if (o.iface !== undefined) {
      const byName = ip.interfaceByName(o.iface);
      const byAddress = ip.interfaces.find((i) => formatIpv4Address(i.address) === o.iface);
      const iface = byName ?? byAddress;
      if (!iface) {
        ctx.err(`ping: unknown iface: ${o.iface}`);
        return 2;
      }
      source = iface.address;
      device = byName ? iface.name : undefined;
    }
    if (!ip.isLocalAddress(dst) && dst !== 0xffff_ffff && !ip.routes.lookup(dst)) {
      ctx.err('ping: connect: Network is unreachable');
      return 2;
    }

    const sim = ctx.sim;
    const count = o.count;
    const interval = Math.round((o.interval ?? 1) * SECOND);
    const dataBytes = o.size ?? 56;
    const linger = o.linger === undefined ? DEFAULT_LINGER : Math.round(o.linger * SECOND);
    // iputils resolves reply addresses only when the target was given as a name.
    const showNames = !o.numeric && !resolved.numeric;
    const address = formatIpv4Address(dst);
    const data = new Uint8Array(dataBytes);
    for (let i = 0; i < dataBytes; i++) data[i] = i & 0xff;
    const timing = dataBytes >= TIMEVAL_BYTES;

    ctx.out(
      pingHeaderLine({
        target,
        address,
        dataBytes,
        from: source !== undefined ? { source: formatIpv4Address(source), device } : undefined,
      }),
    );

    let transmitted = 0;
    let received = 0;
    let duplicates = 0;
    let errors = 0;
    let maxRtt = 0;
    const rtts: Time[] = [];
    const seen = new Set<number>();
    const start = sim.now;
    let lastSend = start;
    let finished = false;
    const done = sim.deferred<number>();

    const who = (addr: number) => {
      const text = formatIpv4Address(addr);
      return { from: text, fromName: showNames ? (reverseName(ctx, addr) ?? text) : undefined };
    };

    const onEvent = (e: EchoEvent): void => {
      if (finished) return;
      if (e.kind === 'reply') {
        let rttNs: Time | undefined;
        if (timing && e.data.length >= TIMEVAL_BYTES) {
          const v = new DataView(e.data.buffer, e.data.byteOffset, TIMEVAL_BYTES);
          const sentUs = Number(v.getBigInt64(0, true)) * 1_000_000 + Number(v.getBigInt64(8, true));
          rttNs = Math.max(0, Math.floor(sim.now / 1000) - sentUs) * 1000;
        }
        const duplicate = seen.has(e.sequence);
        if (duplicate) duplicates++;
        else {
          seen.add(e.sequence);
          received++;
        }
        if (rttNs !== undefined) {
          rtts.push(rttNs);
          if (rttNs > maxRtt) maxRtt = rttNs;
        }
        if (!o.quiet) {
          ctx.out(
            pingLine({
              kind: 'reply',
              bytes: e.bytes,
              ...who(e.from),
              seq: e.sequence,
              ttl: e.ttl,
              rttNs,
              duplicate,
              truncated: e.bytes < dataBytes + 8,
            }),
          );
        }
      } else {
        errors++;
        const r = e.report;
        const type = r.kind === 'time-exceeded' ? 11 : 3;
        if (!o.quiet) {
          ctx.out(
            pingLine({
              kind: 'error',
              ...who(r.from),
              seq: e.sequence,
              message: pingIcmpErrorText(type, r.code, r.nextHopMtu),
            }),
          );
        }
      }
      if (count !== undefined && received + errors >= count) finish();
    };

    const socket = ip.icmp.openEcho(onEvent);
    let nextProbe: ReturnType<typeof sim.after> | undefined;
    let exitTimer: ReturnType<typeof sim.after> | undefined;
    let deadlineTimer: ReturnType<typeof sim.after> | undefined;

    const finish = (): void => {
      if (finished) return;
      finished = true;
      nextProbe?.cancel();
      exitTimer?.cancel();
      deadlineTimer?.cancel();
      socket.close();
      for (const l of pingSummaryLines({
        target,
        transmitted,
        received,
        duplicates,
        errors,
        elapsedNs: lastSend - start,
        rttsNs: rtts,
      })) {
        ctx.out(l);
      }
      const short = o.deadline !== undefined && count !== undefined && received < count;
      done.resolve(received === 0 || short ? 1 : 0);
    };

    const probe = (): void => {
      if (finished) return;
      const seq = (transmitted + 1) & 0xffff;
      if (timing) {
        const v = new DataView(data.buffer, 0, TIMEVAL_BYTES);
        const us = Math.floor(sim.now / 1000);
        v.setBigInt64(0, BigInt(Math.floor(us / 1_000_000)), true);
        v.setBigInt64(8, BigInt(us % 1_000_000), true);
      }
      const result = socket.send(dst, seq, data, {
        ttl: o.ttl,
        dontFragment: o.dontFragment === 'do',
        source,
      });
      transmitted++;
      lastSend = sim.now;
      if (result !== 'sent' && !o.quiet) {
        ctx.err(`ping: sendmsg: ${sendErrorText(result)}`);
      }
      if (count === undefined || transmitted < count) {
        nextProbe = sim.after(interval, probe);
      } else {
        // After the last probe: wait for stragglers, then stop (iputils __schedule_exit).
        const wait = received > 0 ? Math.max(2 * maxRtt, interval) : linger;
        exitTimer = sim.after(wait, finish);
      }
    };

    ctx.onInterrupt(finish);
    if (o.deadline !== undefined) deadlineTimer = sim.after(o.deadline * SECOND, finish);
    probe();
    return done.promise;
  },
};

function sendErrorText(result: string): string {
  switch (result) {
    case 'no-route':
      return 'Network is unreachable';
    case 'too-big':
      return 'Message too long';
    case 'no-address':
      return 'Cannot assign requested address';
    case 'filtered':
      return 'Operation not permitted';
    default:
      return result;
  }
}
