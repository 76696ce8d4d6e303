/**
 * A fault injector for experiments: loses exactly the TCP segments it is told to, where
 * random link loss (`LinkSpec.loss`) would lose whichever frames the seed picks. It sits
 * on a device's receive path, like smoltcp's `FaultInjector` middleware: every frame that
 * arrives at the device is looked at (Ethernet II, IPv4, TCP), and a chosen one is
 * recorded as a drop with reason 'link-loss' (so traces, counters and captures see it as a
 * frame lost on the wire) instead of being delivered. Everything else passes untouched.
 *
 * Segments are chosen by their place among the *large* data segments seen — those with at
 * least `minPayload` bytes of TCP payload (default 1000: full-sized segments of a
 * transfer, not the small ones carrying SETTINGS frames, requests or short pages) — so
 * "the 3rd large segment the server sends" means the same thing for every protocol.
 * A retransmission is a new segment on the wire, counted again and never dropped unless
 * asked for by its own number.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { IpProtocol, parseIpv4 } from '../../internet/ipv4.ts';
import { EtherType, parseEthernet } from '../../link/ethernet.ts';
import type { NetDevice } from '../../link/net-device.ts';
import { parseTcp } from '../../transport/tcp/tcp-segment.ts';

export interface SegmentDropperOptions {
  /** 1-based numbers, among the large data segments arriving at the device, of those to lose. */
  readonly drop: readonly number[];
  /** Payload bytes that make a segment "large". Default 1000. */
  readonly minPayload?: number;
}

export interface SegmentDropper {
  /** Large data segments seen so far. */
  readonly seen: number;
  /** The segments lost: their number, TCP ports, sequence number and payload length. */
  readonly dropped: readonly {
    readonly number: number;
    readonly sourcePort: number;
    readonly destinationPort: number;
    readonly seq: number;
    readonly length: number;
  }[];
  /** Puts the device's receive path back as it was. */
  remove(): void;
}

/** Loses the chosen large TCP data segments that arrive at `device`. */
export function dropSegments(device: NetDevice, options: SegmentDropperOptions): SegmentDropper {
  const minPayload = options.minPayload ?? 1000;
  const targets = new Set(options.drop);
  for (const n of targets) {
    if (!(Number.isInteger(n) && n >= 1)) {
      throw new NetlabError('experiment-bad-option', `segment numbers start at 1, got ${n}`);
    }
  }
  if (!(Number.isInteger(minPayload) && minPayload >= 1)) {
    throw new NetlabError('experiment-bad-option', 'minPayload must be a whole number of bytes >= 1');
  }
  const dropped: SegmentDropper['dropped'][number][] = [];
  let seen = 0;
  const own = Object.hasOwn(device, 'deliver');
  const original = device.deliver;
  const deliver = (frame: Uint8Array): void => {
    const segment = largeTcpSegment(frame, minPayload);
    if (segment !== undefined) {
      seen++;
      if (targets.has(seen)) {
        dropped.push({ number: seen, ...segment });
        device.drop('link-loss', frame);
        return;
      }
    }
    original.call(device, frame);
  };
  device.deliver = deliver;
  return {
    get seen() {
      return seen;
    },
    dropped,
    remove() {
      if (device.deliver !== deliver) return;
      if (own) device.deliver = original;
      else delete (device as { deliver?: unknown }).deliver;
    },
  };
}

/** The TCP segment in an Ethernet frame when it carries at least `min` payload bytes. */
function largeTcpSegment(
  frame: Uint8Array,
  min: number,
): { sourcePort: number; destinationPort: number; seq: number; length: number } | undefined {
  const eth = parseEthernet(frame);
  if (eth instanceof ProtocolError || eth.etherType !== EtherType.IPv4) return undefined;
  const ip = parseIpv4(eth.payload, 0, { verifyChecksum: false });
  if (ip instanceof ProtocolError || ip.header.protocol !== IpProtocol.TCP) return undefined;
  if (ip.header.fragmentOffset !== 0 || ip.header.moreFragments) return undefined;
  const tcp = parseTcp(ip.payload);
  if (tcp instanceof ProtocolError || tcp.payload.length < min) return undefined;
  return {
    sourcePort: tcp.sourcePort,
    destinationPort: tcp.destinationPort,
    seq: tcp.seq,
    length: tcp.payload.length,
  };
}
