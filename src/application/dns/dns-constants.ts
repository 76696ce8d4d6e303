/**
 * The numbers of the DNS: record types (RFC 1035 §3.2.2, RFC 3596 AAAA, RFC 6891 OPT,
 * IANA "Resource Record (RR) TYPEs"), classes (§3.2.4), opcodes and response codes
 * (§4.1.1, RFC 6895), and their mnemonics as dig prints them.
 *
 * Types without a mnemonic here are written `TYPE<n>` and classes `CLASS<n>` (RFC 3597 §5).
 */

export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  TLSA: 52,
  OPT: 41,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const;
export type RecordType = number;

export const RecordClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
} as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(RecordType).map(([k, v]) => [v, k]));
const TYPE_NUMBERS = new Map<string, number>(Object.entries(RecordType).map(([k, v]) => [k, v]));
const CLASS_NAMES = new Map<number, string>(Object.entries(RecordClass).map(([k, v]) => [v, k]));
const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([k, v]) => [v, k]));
const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));

/** `A`, `AAAA`, `TYPE65534`. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** The number for `A`, `aaaa`, `TYPE99`; undefined when unknown. */
export function typeNumber(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = TYPE_NUMBERS.get(upper);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

/** `IN`, `CH`, `CLASS4096` (dig prints an OPT record's class, the UDP size, this way). */
export function className(cls: number): string {
  return CLASS_NAMES.get(cls) ?? `CLASS${cls}`;
}

/** The number for `IN`, `CLASS1`...; undefined when unknown. */
export function classNumber(text: string): number | undefined {
  const upper = text.toUpperCase();
  for (const [n, name] of CLASS_NAMES) if (name === upper) return n;
  const m = /^CLASS(\d{1,5})$/.exec(upper);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

/** `QUERY`, `NOTIFY`; dig prints unknown opcodes as their number. */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES.get(opcode) ?? String(opcode);
}

/** `NOERROR`, `NXDOMAIN`; dig prints unknown codes as `RESERVED<n>`. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RESERVED${rcode}`;
}
