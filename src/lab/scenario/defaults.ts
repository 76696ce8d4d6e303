/**
 * Every default a scenario gets when the file does not say otherwise, in one place (the
 * reference in docs/scenario-format.md mirrors this file). Topology builders use the same
 * values, so a generated network and a hand-written one behave alike.
 */
import { LAN } from '../presets.ts';
import { MICROSECOND, SECOND, type Time } from '../../sim/time.ts';
import type { LinkParams, RoutingMode } from './spec.ts';

export const DEFAULT_SEED = 1;
export const DEFAULT_ROUTING: RoutingMode = 'global';
/**
 * 0 s: global routing is an idealised control plane that sees a failure at once. Set
 * `convergence` to model a real protocol's detection and flooding time (OSPF with its
 * default 40 s dead interval, or ~1 s with fast hellos/BFD) and watch packets die in the gap.
 */
export const DEFAULT_CONVERGENCE: Time = 0;
/** How long the run continues after the last script step (or its estimated end). */
export const DURATION_GRACE: Time = 1 * SECOND;

/** A link with nothing set: the LAN preset, no impairments, Ethernet's 1500-byte MTU. */
export const DEFAULT_LINK: LinkParams = {
  rate: LAN.rate,
  delay: LAN.delay,
  loss: 0,
  duplicate: 0,
  jitter: 0,
  queue: LAN.queue,
  mtu: 1500,
};

export const MIN_MTU = 68; // RFC 791: every IPv4 module must handle 68-byte datagrams
export const MAX_MTU = 65535; // the IPv4 total-length field

export const SWITCH_DEFAULTS = {
  /** IEEE 802.1D's recommended ageing time, also Linux bridge's `ageing_time`. */
  aging: 300 * SECOND,
  /** Small, so table overflow (flooding) can be shown; real access switches hold 8K–16K. */
  macTableSize: 1024,
} as const;

export const MAX_MAC_TABLE_SIZE = 1_000_000;

/** The shared media are 10 Mbit/s: classic hubs (10BASE-T) and buses (10BASE5/10BASE2) were. */
export const HUB_DEFAULTS = {
  rate: 10e6,
  /** Station → hub → station over two 100 m cables at ~5 ns/m. */
  delay: 1 * MICROSECOND,
  loss: 0,
} as const;

export const BUS_DEFAULTS = {
  rate: 10e6,
  /** End to end of a full 500 m 10BASE5 segment at ~5 ns/m. */
  delay: 2.5 * MICROSECOND,
  loss: 0,
} as const;

/** Node and interface names: a letter, then letters, digits, `_`, `-`, `.`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
export const MAX_NODE_NAME_LENGTH = 32;
/** Linux's IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_INTERFACE_NAME_LENGTH = 15;
/** Nodes in one scenario, generated ones included. */
export const MAX_NODES = 10_000;
