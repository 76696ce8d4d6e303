/**
 * Link presets: typical numbers for a LAN, a MAN and a WAN link, so a scenario can say
 * `preset: wan` instead of inventing figures, and so "smaller area → faster, less
 * congested" can be measured rather than asserted.
 *
 * A preset sets rate, one-way propagation delay and the output queue; loss, duplication
 * and jitter stay 0 (add them explicitly). Propagation uses ~5 ns per metre: light in
 * copper and in fibre travels at about two thirds of c (velocity factor ≈ 0.66–0.7), i.e.
 * ≈ 200,000 km/s, so 1 m ≈ 5 ns and 1 km ≈ 5 µs.
 */
import type { QueueLimit } from '../link/drop-tail-queue.ts';
import type { Time } from '../sim/time.ts';
import { MICROSECOND, MILLISECOND } from '../sim/time.ts';

export type LinkPresetName = 'lan' | 'man' | 'wan';

export interface LinkPreset {
  readonly name: LinkPresetName;
  /** Line rate in bit/s. */
  readonly rate: number;
  /** One-way propagation delay in ns. */
  readonly delay: Time;
  /** Output queue of each device on the link. */
  readonly queue: QueueLimit;
  /** One line on what the numbers stand for. */
  readonly summary: string;
}

/**
 * Local area network: one building or campus.
 * - 1 Gbit/s: gigabit Ethernet over twisted pair (IEEE 802.3ab, 1000BASE-T), what
 *   desktop NICs and access switches run today.
 * - 1 µs: about 200 m of cable at ~5 ns/m (twice the 100 m 1000BASE-T segment limit,
 *   i.e. host → switch → host).
 * - 1000 packets: Linux's default `txqueuelen` for Ethernet devices.
 */
export const LAN: LinkPreset = {
  name: 'lan',
  rate: 1e9,
  delay: 1 * MICROSECOND,
  queue: { packets: 1000 },
  summary: 'gigabit Ethernet (IEEE 802.3ab), ~200 m of cable, Linux txqueuelen 1000',
};

/**
 * Metropolitan area network: links across a city.
 * - 100 Mbit/s: a typical metro Ethernet service (MEF E-Line) sold to a site.
 * - 250 µs: about 50 km of fibre at ~5 µs/km.
 * - 100 packets: a modest provider-edge queue (and ns-3's default device queue).
 */
export const MAN: LinkPreset = {
  name: 'man',
  rate: 100e6,
  delay: 250 * MICROSECOND,
  queue: { packets: 100 },
  summary: 'metro Ethernet service, ~50 km of fibre',
};

/**
 * Wide area network: across a country or a continent.
 * - 10 Mbit/s: a leased line or one site's share of a long-haul path.
 * - 20 ms: about 4,000 km of fibre at ~5 µs/km (e.g. coast to coast in the USA, or
 *   Seoul to Singapore), so a ping RTT of ~40 ms before any queueing.
 * - 100 packets.
 */
export const WAN: LinkPreset = {
  name: 'wan',
  rate: 10e6,
  delay: 20 * MILLISECOND,
  queue: { packets: 100 },
  summary: 'leased line / long-haul share, ~4,000 km of fibre',
};

export const LINK_PRESETS: Readonly<Record<LinkPresetName, LinkPreset>> = { lan: LAN, man: MAN, wan: WAN };

/** The preset named `name` (case-insensitive), or undefined. */
export function linkPreset(name: string): LinkPreset | undefined {
  const key = name.toLowerCase();
  return key === 'lan' || key === 'man' || key === 'wan' ? LINK_PRESETS[key] : undefined;
}
