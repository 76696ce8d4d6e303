/**
 * Display filters for the packet list, in Wireshark's notation: a protocol name alone
 * (`tcp`, `arp`), a field compared with a value (`ip.src == 10.0.1.10`, `tcp.port == 80`,
 * `ip.ttl < 64`, `ip.addr == 10.0.2.0/24`, `frame.node == "h1"`), joined with `&&` `||`
 * `!` (or `and` `or` `not`) and parentheses. Compiled once to a predicate over the header
 * fields of packet-fields.ts, so a million packets filter in well under a second.
 *
 * Semantics, as in Wireshark: a field that a packet does not have makes every comparison
 * on it false (`ip.ttl != 64` is false for an ARP frame); a two-sided field (`ip.addr`,
 * `tcp.port`, `eth.addr`) matches `==` when either side does and `!=` when neither does
 * (Wireshark 4's `!=`, "all not equal"). One deliberate difference: a flag named alone
 * (`tcp.flags.syn`) means "is set", where Wireshark would mean "the field exists".
 *
 * Above TCP the filter asks the dissector (packet-fields.ts `appProtocol`, `appLayer`):
 * `tls`, `http`, `http2` and `dns` match exactly the packets the packet list names so,
 * decided from each segment alone (src/tools/dissect/tcp-payload.ts) — a segment in the
 * middle of a record or a body matches none of them, where Wireshark, reassembling,
 * matches the segment that completes the message. With decryption on, `http`, `http2`
 * and their fields also match the HTTP inside the TLS records that end in a packet
 * (`PacketMeta.decrypted`), as Wireshark does with a key log; `tls` still matches the
 * records on the wire, so a decrypted GET matches both `tls` and `http`. Only the `http`
 * and `http2` names and fields ask for decryptions, and only for TCP segments with data
 * that the wire does not already read as another protocol, so other filters cost what they did. Fields that occur several times in a
 * packet (`tls.handshake.type`, `http2.streamid`) match `==` when any occurrence does,
 * as in Wireshark. The application fields:
 *
 *   tls.record.content_type  tls.record.version  tls.record.length  tls.handshake.type
 *   tls.handshake.extensions_server_name ("www.example.com")  tls.alert_message.level
 *   tls.alert_message.desc   http.request  http.response  http.request.method ("GET")
 *   http.request.uri ("/")  http.request.version ("HTTP/1.1")  http.response.code
 *   http.response.phrase  http.host  http2.type  http2.streamid  http2.flags  http2.length
 *   http2.header.name  http2.header.value  http2.headers.method  http2.headers.path
 *   http2.headers.status (a number)  http2.headers.authority  http2.headers.scheme
 *
 * The `http2.header*` fields are the HPACK-decoded header blocks of decrypted connections
 * (src/tools/dissect/http2-headers/), decoded once per connection decryption, and of
 * cleartext HTTP/2 connections (h2c, `PacketMeta.h2cHeaders`), decoded once per
 * connection (a segment alone cannot be: the table needs the whole connection).
 *
 * Left out: `contains`, `matches`, slices (`eth.src[0:3]`), field-to-field comparisons and
 * set membership (`tcp.port in {80 443}`).
 */
import { parseIpv4Address } from '../../../src/internet/ipv4-address.ts';
import { closest } from '../../../src/lab/scenario/did-you-mean.ts';
import { parseMac } from '../../../src/link/mac-address.ts';
import type { Decoded, Http2FrameView } from '../../../src/tools/dissect/index.ts';
import { appLayer, appProtocol, type PacketFields } from './packet-fields.ts';

/** What a filter knows about a packet besides its headers. */
export interface PacketMeta {
  /** 1-based, as Wireshark numbers frames. */
  number: number;
  /** Seconds. */
  time: number;
  /** `node:iface` the frame was sent from. */
  iface: string;
  node: string;
  /**
   * The HTTP and HTTP/2 inside the TLS records that the run's key log opens and that end
   * in this packet (absent when decryption is off): `http` and the `http.*` and `http2.*`
   * fields match them too, as in Wireshark with `tls.keylog_file`.
   */
  decrypted?: () => readonly Decoded[] | undefined;
  /**
   * The decoded header fields of these HTTP/2 `frames` of the packet (the wire's), when
   * the packet is a segment of a cleartext HTTP/2 connection whose header blocks were
   * decoded (h2c): the `http2.header*` fields match them, as in Wireshark.
   */
  h2cHeaders?: (frames: readonly Http2FrameView[]) => readonly { name: string; value: string }[] | undefined;
}

export type DisplayFilter = (p: PacketFields, meta: PacketMeta) => boolean;

export interface FilterError {
  readonly error: string;
  /** Character offset of the problem in the expression. */
  readonly at: number;
}

type FieldType = 'number' | 'float' | 'ipv4' | 'mac' | 'bool' | 'string';
type Get = (p: PacketFields, m: PacketMeta) => number | undefined;
type GetMany = (p: PacketFields, m: PacketMeta) => readonly number[] | undefined;
type GetTexts = (p: PacketFields, m: PacketMeta) => readonly string[] | undefined;

interface FieldDef {
  readonly type: FieldType;
  /** One or two getters; a packet matches `==` if any value does. */
  readonly get: readonly Get[];
  /** A field that occurs any number of times (none: the packet lacks it). */
  readonly many?: GetMany;
  /** A string field's occurrences. */
  readonly texts?: GetTexts;
}

const has = (ok: (p: PacketFields) => boolean, get: (p: PacketFields) => number): Get => {
  return (p) => (ok(p) ? get(p) : undefined);
};
const isEth = (p: PacketFields) => p.eth;
const isArp = (p: PacketFields) => p.arp;
const isIp = (p: PacketFields) => p.ip;
const isIcmp = (p: PacketFields) => p.icmp;
const isUdp = (p: PacketFields) => p.udp;
const isTcp = (p: PacketFields) => p.tcp;
const isEcho = (p: PacketFields) => p.icmp && (p.icmpType === 0 || p.icmpType === 8);
const flag = (bit: number): FieldDef => ({
  type: 'bool',
  get: [has(isTcp, (p) => (p.tcpFlags & bit ? 1 : 0))],
});
const num = (...get: Get[]): FieldDef => ({ type: 'number', get });
const ip = (...get: Get[]): FieldDef => ({ type: 'ipv4', get });
const macField = (...get: Get[]): FieldDef => ({ type: 'mac', get });

/**
 * The decoded application layer of `kind`, or undefined. HTTP and HTTP/2 are also looked
 * for inside the TLS records the run's key log opens (`m.decrypted`), merged when several
 * records end in the packet.
 */
function layerOf<K extends Decoded['kind']>(
  p: PacketFields,
  kind: K,
  m?: PacketMeta,
): Extract<Decoded, { kind: K }> | undefined {
  if (!p.tcp) return undefined;
  const d = appLayer(p);
  if (d?.kind === 'http2' && kind === 'http2' && d.headers === undefined && m?.h2cHeaders !== undefined) {
    const headers = m.h2cHeaders(d.frames);
    if (headers !== undefined) return { ...d, headers } as Extract<Decoded, { kind: K }>;
  }
  if (d?.kind === kind) return d as Extract<Decoded, { kind: K }>;
  if (m?.decrypted === undefined || (kind !== 'http' && kind !== 'http2')) return undefined;
  return decryptedLayer(p, kind as 'http' | 'http2', m.decrypted) as
    | Extract<Decoded, { kind: K }>
    | undefined;
}

/** The HTTP or HTTP/2 of the decrypted records ending in a TCP segment, merged. */
function decryptedLayer(
  p: PacketFields,
  kind: 'http' | 'http2',
  decrypted: NonNullable<PacketMeta['decrypted']>,
): Decoded | undefined {
  // A record ends in a segment that starts with a record header, or in one that continues it.
  const wire = appProtocol(p);
  if (wire === undefined ? p.payloadLength === 0 : wire !== 'TLS') return undefined;
  const inner = decrypted()?.filter((x) => x.kind === kind);
  if (inner === undefined || inner.length === 0) return undefined;
  if (inner.length === 1) return inner[0];
  return kind === 'http'
    ? { kind: 'http', messages: inner.flatMap((x) => (x.kind === 'http' ? x.messages : [])) }
    : {
        kind: 'http2',
        preface: inner.some((x) => x.kind === 'http2' && x.preface),
        frames: inner.flatMap((x) => (x.kind === 'http2' ? x.frames : [])),
        headers: inner.flatMap((x) => (x.kind === 'http2' ? (x.headers ?? []) : [])),
      };
}

const some = <T>(xs: readonly T[] | undefined): readonly T[] | undefined =>
  xs && xs.length > 0 ? xs : undefined;
const tlsMany = (values: (d: Extract<Decoded, { kind: 'tls' }>) => number[]): FieldDef => ({
  type: 'number',
  get: [],
  many: (p) => {
    const d = layerOf(p, 'tls');
    return d && some(values(d));
  },
});
const h2Many = (values: (x: Extract<Decoded, { kind: 'http2' }>['frames'][number]) => number): FieldDef => ({
  type: 'number',
  get: [],
  many: (p, m) => some(layerOf(p, 'http2', m)?.frames.map(values)),
});
type H2Header = NonNullable<Extract<Decoded, { kind: 'http2' }>['headers']>[number];
/** Decoded HTTP/2 header fields (decrypted or h2c connections: HPACK needs the whole connection). */
const h2Texts = (value: (h: H2Header) => string | undefined): FieldDef => ({
  type: 'string',
  get: [],
  texts: (p, m) =>
    some(
      layerOf(p, 'http2', m)
        ?.headers?.map(value)
        .filter((v): v is string => v !== undefined),
    ),
});
const h2Pseudo = (name: string) => h2Texts((h) => (h.name === name ? h.value : undefined));
type HttpMessage = Extract<Decoded, { kind: 'http' }>['messages'][number];
const httpTexts = (value: (m: HttpMessage) => string | undefined): FieldDef => ({
  type: 'string',
  get: [],
  texts: (p, m) =>
    some(
      layerOf(p, 'http', m)
        ?.messages.map(value)
        .filter((v): v is string => v !== undefined),
    ),
});
const httpIs = (which: 'request' | 'response'): FieldDef => ({
  type: 'bool',
  get: [
    (p, m) => {
      const d = layerOf(p, 'http', m);
      return d ? (d.messages.some((m) => m[which] !== undefined) ? 1 : 0) : undefined;
    },
  ],
});

const FIELDS: Record<string, FieldDef> = {
  'frame.number': num((_, m) => m.number),
  'frame.len': num((p) => p.frameLength),
  'frame.time': { type: 'float', get: [(_, m) => m.time] },
  'frame.iface': { type: 'string', get: [], texts: (_, m) => [m.iface] },
  'frame.node': { type: 'string', get: [], texts: (_, m) => [m.node] },
  'eth.src': macField(has(isEth, (p) => p.ethSrc)),
  'eth.dst': macField(has(isEth, (p) => p.ethDst)),
  'eth.addr': macField(
    has(isEth, (p) => p.ethSrc),
    has(isEth, (p) => p.ethDst),
  ),
  'eth.type': num(has(isEth, (p) => p.ethType)),
  'arp.opcode': num(has(isArp, (p) => p.arpOp)),
  'arp.src.hw_mac': macField(has(isArp, (p) => p.arpSenderMac)),
  'arp.dst.hw_mac': macField(has(isArp, (p) => p.arpTargetMac)),
  'arp.src.proto_ipv4': ip(has(isArp, (p) => p.arpSenderIp)),
  'arp.dst.proto_ipv4': ip(has(isArp, (p) => p.arpTargetIp)),
  'ip.src': ip(has(isIp, (p) => p.ipSrc)),
  'ip.dst': ip(has(isIp, (p) => p.ipDst)),
  'ip.addr': ip(
    has(isIp, (p) => p.ipSrc),
    has(isIp, (p) => p.ipDst),
  ),
  'ip.ttl': num(has(isIp, (p) => p.ipTtl)),
  'ip.proto': num(has(isIp, (p) => p.ipProto)),
  'ip.id': num(has(isIp, (p) => p.ipId)),
  'ip.len': num(has(isIp, (p) => p.ipLength)),
  'ip.hdr_len': num(has(isIp, (p) => p.ipHeaderLength)),
  'ip.frag_offset': num(has(isIp, (p) => p.ipFragOffset)),
  'ip.flags.df': { type: 'bool', get: [has(isIp, (p) => (p.ipDf ? 1 : 0))] },
  'ip.flags.mf': { type: 'bool', get: [has(isIp, (p) => (p.ipMf ? 1 : 0))] },
  'icmp.type': num(has(isIcmp, (p) => p.icmpType)),
  'icmp.code': num(has(isIcmp, (p) => p.icmpCode)),
  'icmp.ident': num(has(isEcho, (p) => p.icmpIdent)),
  'icmp.seq': num(has(isEcho, (p) => p.icmpSeq)),
  'udp.srcport': num(has(isUdp, (p) => p.srcPort)),
  'udp.dstport': num(has(isUdp, (p) => p.dstPort)),
  'udp.port': num(
    has(isUdp, (p) => p.srcPort),
    has(isUdp, (p) => p.dstPort),
  ),
  'udp.length': num(has(isUdp, (p) => p.udpLength)),
  'tcp.srcport': num(has(isTcp, (p) => p.srcPort)),
  'tcp.dstport': num(has(isTcp, (p) => p.dstPort)),
  'tcp.port': num(
    has(isTcp, (p) => p.srcPort),
    has(isTcp, (p) => p.dstPort),
  ),
  'tcp.seq_raw': num(has(isTcp, (p) => p.tcpSeq)),
  'tcp.ack_raw': num(has(isTcp, (p) => p.tcpAck)),
  'tcp.len': num(has(isTcp, (p) => p.tcpLength)),
  'tcp.window_size_value': num(has(isTcp, (p) => p.tcpWindow)),
  'tcp.flags': num(has(isTcp, (p) => p.tcpFlags)),
  'tcp.flags.fin': flag(0x01),
  'tcp.flags.syn': flag(0x02),
  'tcp.flags.reset': flag(0x04),
  'tcp.flags.push': flag(0x08),
  'tcp.flags.ack': flag(0x10),
  'tcp.flags.urg': flag(0x20),
  'tls.record.content_type': tlsMany((d) => d.records.map((r) => r.type)),
  'tls.record.version': tlsMany((d) => d.records.map((r) => r.version)),
  'tls.record.length': tlsMany((d) => d.records.map((r) => r.length)),
  'tls.handshake.type': tlsMany((d) => d.records.flatMap((r) => r.handshakes.map((h) => h.type))),
  'tls.alert_message.level': tlsMany((d) => d.records.flatMap((r) => (r.alert ? [r.alert.level] : []))),
  'tls.alert_message.desc': tlsMany((d) => d.records.flatMap((r) => (r.alert ? [r.alert.description] : []))),
  'tls.handshake.extensions_server_name': {
    type: 'string',
    get: [],
    texts: (p) => {
      const name = layerOf(p, 'tls')?.serverName;
      return name === undefined ? undefined : [name];
    },
  },
  'http.request': httpIs('request'),
  'http.response': httpIs('response'),
  'http.request.method': httpTexts((m) => m.request?.method),
  'http.request.uri': httpTexts((m) => m.request?.target),
  'http.request.version': httpTexts((m) => (m.request ? m.version : undefined)),
  'http.response.phrase': httpTexts((m) => m.response?.reason),
  'http.host': httpTexts((m) => m.headers.find((h) => h.name.toLowerCase() === 'host')?.value),
  'http.response.code': {
    type: 'number',
    get: [],
    many: (p, m) =>
      some(layerOf(p, 'http', m)?.messages.flatMap((x) => (x.response ? [x.response.status] : []))),
  },
  'http2.type': h2Many((x) => x.type),
  'http2.streamid': h2Many((x) => x.streamId),
  'http2.flags': h2Many((x) => x.flags),
  'http2.length': h2Many((x) => x.length),
  'http2.header.name': h2Texts((h) => h.name),
  'http2.header.value': h2Texts((h) => h.value),
  'http2.headers.method': h2Pseudo(':method'),
  'http2.headers.path': h2Pseudo(':path'),
  // A number, as Wireshark's (FT_UINT16): `http2.headers.status == 404`, `>= 400`.
  'http2.headers.status': {
    type: 'number',
    get: [],
    many: (p, m) =>
      some(
        layerOf(p, 'http2', m)
          ?.headers?.filter((h) => h.name === ':status' && /^\d{3}$/.test(h.value))
          .map((h) => Number(h.value)),
      ),
  },
  'http2.headers.authority': h2Pseudo(':authority'),
  'http2.headers.scheme': h2Pseudo(':scheme'),
};

const port = (p: PacketFields, ports: readonly number[]) =>
  ports.includes(p.srcPort) || ports.includes(p.dstPort);

const PROTOCOLS: Record<string, (p: PacketFields, m: PacketMeta) => boolean> = {
  eth: (p) => p.eth,
  arp: (p) => p.arp,
  ip: (p) => p.ip,
  icmp: (p) => p.icmp,
  udp: (p) => p.udp,
  tcp: (p) => p.tcp,
  dns: (p) => (p.udp && port(p, [53])) || (p.tcp && appProtocol(p) === 'DNS'),
  http: (p, m) =>
    p.tcp &&
    (appProtocol(p) === 'HTTP' ||
      (m.decrypted !== undefined && decryptedLayer(p, 'http', m.decrypted) !== undefined)),
  http2: (p, m) =>
    p.tcp &&
    (appProtocol(p) === 'HTTP2' ||
      (m.decrypted !== undefined && decryptedLayer(p, 'http2', m.decrypted) !== undefined)),
  tls: (p) => p.tcp && appProtocol(p) === 'TLS',
};

/** Every name a filter may use, for suggestions and the help text. */
export const FILTER_NAMES: readonly string[] = [...Object.keys(PROTOCOLS), ...Object.keys(FIELDS)];

type Op = '==' | '!=' | '<' | '>' | '<=' | '>=';
const WORD_OPS: Record<string, Op> = { eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };

interface Token {
  readonly kind: 'word' | 'string' | 'op' | 'and' | 'or' | 'not' | '(' | ')' | 'end';
  readonly text: string;
  readonly at: number;
}

class Fail {
  constructor(
    readonly error: string,
    readonly at: number,
  ) {}
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ kind: two === '&&' ? 'and' : 'or', text: two, at: i });
      i += 2;
    } else if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two, at: i });
      i += 2;
    } else if (c === '<' || c === '>') {
      out.push({ kind: 'op', text: c, at: i });
      i++;
    } else if (c === '!') {
      out.push({ kind: 'not', text: c, at: i });
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c, text: c, at: i });
      i++;
    } else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new Fail('unterminated string', i);
      out.push({ kind: 'string', text: src.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[A-Za-z0-9_.:/-]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.:/-]/.test(src[j]!)) j++;
      const w = src.slice(i, j);
      const lower = w.toLowerCase();
      if (lower === 'and' || lower === 'or' || lower === 'not') out.push({ kind: lower, text: w, at: i });
      else if (lower in WORD_OPS) out.push({ kind: 'op', text: WORD_OPS[lower]!, at: i });
      else out.push({ kind: 'word', text: w, at: i });
      i = j;
    } else {
      throw new Fail(`unexpected character '${c}'`, i);
    }
  }
  out.push({ kind: 'end', text: '', at: src.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): DisplayFilter {
    const f = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw new Fail(`unexpected '${t.text}'`, t.at);
    return f;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private or(): DisplayFilter {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      const a = left;
      const b = this.and();
      left = (p, m) => a(p, m) || b(p, m);
    }
    return left;
  }

  private and(): DisplayFilter {
    let left = this.not();
    while (this.peek().kind === 'and') {
      this.next();
      const a = left;
      const b = this.not();
      left = (p, m) => a(p, m) && b(p, m);
    }
    return left;
  }

  private not(): DisplayFilter {
    if (this.peek().kind === 'not') {
      this.next();
      const a = this.not();
      return (p, m) => !a(p, m);
    }
    return this.primary();
  }

  private primary(): DisplayFilter {
    const t = this.next();
    if (t.kind === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.kind !== ')') throw new Fail(`expected ')'`, close.at);
      return inner;
    }
    if (t.kind !== 'word') {
      throw new Fail(t.kind === 'end' ? 'expected a protocol or field' : `unexpected '${t.text}'`, t.at);
    }
    const name = t.text.toLowerCase();
    const proto = PROTOCOLS[name];
    if (proto && this.peek().kind !== 'op') return proto;
    const def = FIELDS[name];
    if (!def) {
      if (proto) throw new Fail(`'${name}' is a protocol: it takes no comparison`, this.peek().at);
      const guess = closest(name, FILTER_NAMES);
      throw new Fail(`unknown field '${t.text}'${guess ? ` (did you mean '${guess}'?)` : ''}`, t.at);
    }
    if (this.peek().kind !== 'op') {
      if (def.type === 'bool') return compare(def, '==', 1);
      // A field alone tests that the packet has it.
      const many = def.texts ?? def.many;
      if (many) return (p, m) => many(p, m) !== undefined;
      const g = def.get[0]!;
      return (p, m) => g(p, m) !== undefined;
    }
    const op = this.next().text as Op;
    const v = this.next();
    if (v.kind !== 'word' && v.kind !== 'string') throw new Fail(`expected a value after '${op}'`, v.at);
    return this.comparison(t.text, def, op, v);
  }

  private comparison(field: string, def: FieldDef, op: Op, v: Token): DisplayFilter {
    const bad = (what: string) => new Fail(`'${v.text}' is not ${what} (${field})`, v.at);
    switch (def.type) {
      case 'string': {
        if (op !== '==' && op !== '!=') throw new Fail(`${field} compares only with == and !=`, v.at);
        const texts = def.texts!;
        const want = v.text;
        return (p, m) => {
          const xs = texts(p, m);
          if (xs === undefined) return false;
          return xs.includes(want) === (op === '==');
        };
      }
      case 'ipv4': {
        const [addrText, lenText] = v.text.split('/');
        const addr = parseIpv4Address(addrText ?? '');
        if (addr === undefined) throw bad('an IPv4 address');
        if (lenText !== undefined) {
          const len = Number(lenText);
          if (!(Number.isInteger(len) && len >= 0 && len <= 32 && /^\d+$/.test(lenText)))
            throw bad('an IPv4 prefix');
          if (op !== '==' && op !== '!=') throw new Fail(`a prefix compares only with == and !=`, v.at);
          const mask = len === 0 ? 0 : (0xffff_ffff << (32 - len)) >>> 0;
          const net = (addr & mask) >>> 0;
          return compareWith(def, op === '==', (x) => (x & mask) >>> 0 === net);
        }
        return compare(def, op, addr);
      }
      case 'mac': {
        const m = parseMac(v.text);
        if (m === undefined) throw bad('a MAC address');
        return compare(def, op, m);
      }
      case 'bool': {
        const b = v.text === '1' || v.text === 'true' ? 1 : v.text === '0' || v.text === 'false' ? 0 : -1;
        if (b < 0) throw bad('1, 0, true or false');
        return compare(def, op, b);
      }
      case 'float': {
        const n = Number(v.text);
        if (!Number.isFinite(n) || v.text === '') throw bad('a number');
        return compare(def, op, n);
      }
      case 'number': {
        const n = /^0x[0-9a-f]+$/i.test(v.text)
          ? Number.parseInt(v.text.slice(2), 16)
          : /^\d+$/.test(v.text)
            ? Number(v.text)
            : Number.NaN;
        if (!Number.isFinite(n)) throw bad('a whole number');
        return compare(def, op, n);
      }
    }
  }
}

function compare(def: FieldDef, op: Op, value: number): DisplayFilter {
  switch (op) {
    case '==':
      return compareWith(def, true, (x) => x === value);
    case '!=':
      return compareWith(def, false, (x) => x === value);
    case '<':
      return compareWith(def, true, (x) => x < value);
    case '>':
      return compareWith(def, true, (x) => x > value);
    case '<=':
      return compareWith(def, true, (x) => x <= value);
    case '>=':
      return compareWith(def, true, (x) => x >= value);
  }
}

/**
 * `any`: some value of the field satisfies `test`. Otherwise (`!=`): the field is present
 * and none of its values satisfies `test`.
 */
function compareWith(def: FieldDef, any: boolean, test: (x: number) => boolean): DisplayFilter {
  const many = def.many;
  if (many)
    return (p, m) => {
      const xs = many(p, m);
      if (xs === undefined) return false;
      return xs.some(test) === any;
    };
  const [g1, g2] = def.get;
  if (!g1) return () => false;
  if (!g2) {
    return any
      ? (p, m) => {
          const x = g1(p, m);
          return x !== undefined && test(x);
        }
      : (p, m) => {
          const x = g1(p, m);
          return x !== undefined && !test(x);
        };
  }
  return (p, m) => {
    const a = g1(p, m);
    const b = g2(p, m);
    if (a === undefined && b === undefined) return false;
    const hit = (a !== undefined && test(a)) || (b !== undefined && test(b));
    return any ? hit : !hit;
  };
}

/** Compiles `expression`; an empty expression shows every packet (returns null). */
export function compileDisplayFilter(expression: string): DisplayFilter | null | FilterError {
  if (expression.trim() === '') return null;
  try {
    return new Parser(tokenize(expression)).parse();
  } catch (e) {
    if (e instanceof Fail) return { error: e.error, at: e.at };
    throw e;
  }
}

export function isFilterError(f: DisplayFilter | null | FilterError): f is FilterError {
  return f !== null && typeof f === 'object' && 'error' in f;
}
