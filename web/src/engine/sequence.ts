/**
 * Ladder diagrams from the trace: who sent what to whom, and when it arrived — the
 * handshake pictures of the course notes (ARP, ping, traceroute, TCP's three-way
 * handshake and four-way close, DNS, HTTP), built from frames so any protocol shows up.
 *
 * A message is a packet from the node that originated it to the node it is for: a
 * `link.tx` at the owner of the source address (or, for ARP, at any host or router —
 * switches and hubs only repeat frames) starts it, and the `link.rx` at the owner of the
 * destination address (for ARP, of the target address) ends it. Routers in between are
 * not lanes (the end-to-end view of a ladder diagram); a router that answers with an ICMP
 * error joins the ladder of the datagram it quotes. A message that never arrives is drawn
 * as lost, with the drop reason when a drop of that very frame was traced.
 *
 * Conversations group messages by the pair of nodes at their ends; TCP segments by their
 * connection (the two address:port ends), so each connection is a ladder of its own —
 * handshake, data, close — as the notes draw them. Known protocol events
 * add notes on a lane: TCP states (CLOSED → SYN_SENT → ESTABLISHED ...), retransmissions,
 * DNS queries and answers, HTTP requests and responses, and each TLS handshake message
 * where it is sent, with what it carries (`TLS ClientKeyExchange (RSA-encrypted
 * pre-master secret, 256 bytes)`: several messages share a record and a segment, and a
 * segment may start inside a record, so the frames alone cannot name them all), alerts
 * and the session agreed.
 *
 * Limits: `maxMessages` messages in all (default 200,000), `maxConversations` (10,000),
 * `maxPending` frames in flight awaiting their arrival (100,000; the oldest is given up
 * as not arrived), `maxNotes` (100,000). Past a limit, new messages or notes are counted
 * in `truncated`, never stored.
 */
import type { HandshakeDetails } from '../../../src/application/tls/events.ts';
import { handshakeLine } from '../../../src/application/tls/handshake-words.ts';
import { formatIpv4Address, parseIpv4Address } from '../../../src/internet/ipv4-address.ts';
import { formatMac } from '../../../src/link/mac-address.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';
import {
  emptyFields,
  type PacketFields,
  PROTO_ICMP,
  PROTO_TCP,
  PROTO_UDP,
  readPacketFields,
} from './packet-fields.ts';
import '../../../src/internet/trace-events.ts';
import '../../../src/transport/trace-events.ts';

export interface SequenceLimits {
  readonly maxMessages?: number;
  readonly maxConversations?: number;
  readonly maxPending?: number;
  readonly maxNotes?: number;
}

/** What the sequence view is told about the lab. */
export interface SequenceContext {
  /** The node owning an IPv4 address, if any. */
  owner(address: number): string | undefined;
  /** The node's kind: host, router, switch, hub, bus. */
  kind(node: string): string | undefined;
}

export interface Message {
  /** Index in the packet capture of the frame that started it, -1 if not captured. */
  readonly packet: number;
  readonly conversation: number;
  readonly from: string;
  readonly to: string;
  readonly tx: number;
  rx: number | null;
  /** Why it was lost, when a drop of the frame was traced. */
  lost: string | null;
  readonly protocol: 'ARP' | 'ICMP' | 'UDP' | 'TCP' | 'IPv4';
  /** TCP only: raw numbers, made relative when labelled. */
  readonly tcp?: {
    readonly flags: number;
    readonly seq: number;
    readonly ack: number;
    readonly len: number;
    readonly dir: string;
    readonly rev: string;
  };
  /** ARP only: a label that needs no dissection. */
  readonly arpLabel?: string;
}

export interface Note {
  readonly conversation: number;
  readonly lane: string;
  readonly time: number;
  readonly text: string;
}

export interface Conversation {
  readonly id: number;
  readonly a: string;
  readonly b: string;
  /** For a TCP connection, its ports (`51243 ↔ 80`, the first sender's first); '' otherwise. */
  readonly ports: string;
  /** Lanes left to right: who spoke first, others (routers answering), who answered. */
  readonly lanes: string[];
  readonly protocols: Set<string>;
  /** Indices into the message list. */
  readonly messages: number[];
  readonly notes: Note[];
  readonly first: number;
}

export interface ConversationSummary {
  readonly id: number;
  readonly a: string;
  readonly b: string;
  readonly ports: string;
  readonly protocols: readonly string[];
  readonly messages: number;
  readonly first: number;
}

/** One page of a ladder, ready to draw. */
export interface Diagram {
  /** The conversation, or -1 for every message. */
  readonly conversation: number;
  readonly lanes: readonly string[];
  /** Messages in the whole conversation; this page holds `offset` .. `offset + messages.length`. */
  readonly total: number;
  readonly offset: number;
  readonly messages: readonly DiagramMessage[];
  readonly notes: readonly { readonly lane: string; readonly time: number; readonly text: string }[];
}

export interface DiagramMessage {
  readonly packet: number;
  readonly from: string;
  readonly to: string;
  readonly tx: number;
  readonly rx: number | null;
  readonly lost: string | null;
  /** What to call it: the highest protocol named (DNS, HTTP, TLS... or ARP, ICMP, UDP, TCP). */
  readonly protocol: string;
  /** ARP, ICMP, UDP, TCP or IPv4: what the ladder colours it by. */
  readonly transport: string;
  readonly label: string;
}

/** A captured packet as the packet list names it: its protocol and its Info column. */
export type Describe = (packet: number) => { readonly protocol: string; readonly info: string };

export class SequenceBuilder {
  readonly messages: Message[] = [];
  readonly conversations: Conversation[] = [];
  /** Every lane in order of first appearance, and every note, for the all-messages ladder. */
  private readonly allLanes: string[] = [];
  private readonly allLaneSet = new Set<string>();
  private readonly allNotes: Note[] = [];
  /** Messages and notes not kept because a limit was reached. */
  truncated = 0;
  private readonly byPair = new Map<string, Conversation>();
  private readonly pending = new Map<string, Message>();
  /** The latest message of each (source, destination, protocol), for drops traced without the frame. */
  private readonly latestByFlow = new Map<string, Message>();
  private readonly isn = new Map<string, number>();
  private readonly httpPeers = new Map<string, { peer: string; flow: Flow | undefined }>();
  private readonly latestConnection = new Map<string, Flow>();
  private readonly fields = emptyFields();
  private notes = 0;
  private readonly maxMessages: number;
  private readonly maxConversations: number;
  private readonly maxPending: number;
  private readonly maxNotes: number;

  constructor(
    private readonly ctx: SequenceContext,
    limits: SequenceLimits = {},
  ) {
    this.maxMessages = limits.maxMessages ?? 200_000;
    this.maxConversations = limits.maxConversations ?? 10_000;
    this.maxPending = limits.maxPending ?? 100_000;
    this.maxNotes = limits.maxNotes ?? 100_000;
  }

  /** A frame was put on a link by `node` (`fields`: the frame's, when the caller read them already). */
  onTx(packet: number, time: number, node: string, frame: Uint8Array, fields?: PacketFields): void {
    const kind = this.ctx.kind(node);
    // Switches and hubs only repeat frames: never where a message starts.
    if (kind !== 'host' && kind !== 'router') return;
    const f = fields ?? readPacketFields(frame, this.fields);
    if (f.arp) {
      const to = this.ctx.owner(f.arpTargetIp) ?? formatIpv4Address(f.arpTargetIp);
      const key = arpKey(f);
      if (this.pending.has(key) && this.pending.get(key)!.from === node) this.pending.delete(key);
      const label =
        f.arpOp === 1
          ? `Who has ${formatIpv4Address(f.arpTargetIp)}? Tell ${formatIpv4Address(f.arpSenderIp)}`
          : f.arpOp === 2
            ? `${formatIpv4Address(f.arpSenderIp)} is at ${formatMac(f.arpSenderMac)}`
            : `ARP opcode ${f.arpOp}`;
      this.addMessage(key, { packet, from: node, to, tx: time, protocol: 'ARP', arpLabel: label }, node, to);
      return;
    }
    if (!f.ip) return;
    const srcOwner = this.ctx.owner(f.ipSrc);
    // Forwarded by a router: not where the message starts.
    if (srcOwner !== undefined && srcOwner !== node) return;
    const key = ipKey(f);
    if (srcOwner === undefined && this.pending.has(key)) return;
    const to = this.ctx.owner(f.ipDst) ?? formatIpv4Address(f.ipDst);
    let a = node;
    let b = to;
    if (f.icmp && isIcmpError(f.icmpType)) {
      const quoted = quotedAddresses(frame, f);
      if (quoted) {
        a = this.ctx.owner(quoted.src) ?? formatIpv4Address(quoted.src);
        b = this.ctx.owner(quoted.dst) ?? formatIpv4Address(quoted.dst);
      }
    }
    const protocol =
      f.ipProto === PROTO_TCP && f.tcp
        ? 'TCP'
        : f.ipProto === PROTO_UDP && f.udp
          ? 'UDP'
          : f.ipProto === PROTO_ICMP && f.icmp
            ? 'ICMP'
            : 'IPv4';
    let tcp: Message['tcp'];
    let flow: Flow | undefined;
    if (protocol === 'TCP') {
      flow = { a: `${f.ipSrc}:${f.srcPort}`, b: `${f.ipDst}:${f.dstPort}`, ports: [f.srcPort, f.dstPort] };
      const dir = `${f.ipSrc}:${f.srcPort}>${f.ipDst}:${f.dstPort}`;
      const rev = `${f.ipDst}:${f.dstPort}>${f.ipSrc}:${f.srcPort}`;
      if ((f.tcpFlags & 0x02) !== 0 || !this.isn.has(dir)) {
        if (this.isn.size >= this.maxPending) this.isn.delete(this.isn.keys().next().value as string);
        this.isn.set(dir, f.tcpSeq);
      }
      tcp = { flags: f.tcpFlags, seq: f.tcpSeq, ack: f.tcpAck, len: f.tcpLength, dir, rev };
    }
    this.addMessage(key, { packet, from: node, to, tx: time, protocol, tcp }, a, b, flow);
  }

  /** A frame arrived at `node`. */
  onRx(time: number, node: string, frame: Uint8Array): void {
    if (this.pending.size === 0) return;
    const f = readPacketFields(frame, this.fields);
    // Only the node a message is for ends it; most arrivals are at routers and switches on the way.
    const target = f.arp ? f.arpTargetIp : f.ip ? f.ipDst : -1;
    if (target < 0 || this.ctx.owner(target) !== node) return;
    const key = f.arp ? arpKey(f) : ipKey(f);
    const m = this.pending.get(key);
    if (m && m.to === node) {
      m.rx = time;
      this.pending.delete(key);
    }
  }

  /** A frame was dropped: if it was a message in flight, say why it never arrived. */
  onDrop(reason: string, frame: Uint8Array): void {
    const f = readPacketFields(frame, this.fields);
    const key = f.arp ? arpKey(f) : f.ip ? ipKey(f) : undefined;
    if (key === undefined) return;
    const m = this.pending.get(key);
    if (m) m.lost = reason;
  }

  /** Protocol events that become notes on a lane. Others are ignored. */
  onEvent(e: TraceEvent): void {
    const r = e as unknown as Record<string, unknown>;
    const node = typeof r.node === 'string' ? r.node : undefined;
    if (node === undefined) return;
    const peerOf = (address: unknown): string | undefined => {
      if (typeof address !== 'string') return undefined;
      const host = address.replace(/:\d+$/, '');
      const n = parseIpv4Address(host);
      if (n === undefined || n === 0) return undefined;
      return this.ctx.owner(n) ?? host;
    };
    switch (e.type) {
      case 'ip.drop': {
        const m = this.latestByFlow.get(`${e.source}|${e.destination}|${e.protocol}`);
        if (m && m.rx === null && m.lost === null) m.lost = `${e.reason} (${node})`;
        return;
      }
      case 'tcp.state': {
        const peer = peerOf(e.remote.address);
        const flow = tcpFlow(e.local, e.remote);
        if (!peer || !flow) return;
        this.addNote(node, peer, e.time, e.to, flow);
        if (e.to === 'ESTABLISHED') {
          if (this.latestConnection.size >= this.maxPending)
            this.latestConnection.delete(this.latestConnection.keys().next().value as string);
          this.latestConnection.set(`${node}>${e.remote.address}:${e.remote.port}`, flow);
        }
        return;
      }
      case 'tcp.retransmit': {
        const peer = peerOf(e.remote.address);
        const flow = tcpFlow(e.local, e.remote);
        if (peer && flow) this.addNote(node, peer, e.time, `retransmit (${e.reason})`, flow);
        return;
      }
      default:
        break;
    }
    // Events of layers that may not be loaded are read by name, so this file needs no import of them.
    const type = e.type as string;
    if (type === 'dns.query' || type === 'dns.response') {
      const peer = peerOf(r.server);
      if (!peer) return;
      const q = `${String(r.qname)} ${String(r.qtype)}`;
      this.addNote(
        node,
        peer,
        e.time,
        type === 'dns.query' ? `DNS query ${q}` : `DNS ${String(r.kind)} ${q}`,
      );
    } else if (type === 'http.connection' && r.phase === 'open') {
      const peer = peerOf(r.peer);
      // The TCP connection it runs over: the node's latest one established to that peer.
      const flow = this.latestConnection.get(`${node}>${String(r.peer)}`);
      if (peer) this.httpPeers.set(`${node}#${String(r.connection)}`, { peer, flow });
    } else if (type === 'tls.handshake' || type === 'tls.alert' || type === 'tls.established') {
      // Notes on the TCP connection the TLS runs over: the node's latest one to that peer.
      const peer = peerOf(r.peer);
      const flow = this.latestConnection.get(`${node}>${String(r.peer)}`);
      if (!peer || !flow) return;
      if (type === 'tls.established') {
        this.addNote(node, peer, e.time, `TLS: ${String(r.version)} ${String(r.suite)}`, flow);
      } else if (r.direction === 'sent') {
        const text =
          type === 'tls.alert'
            ? `TLS Alert (${String(r.level)}, ${String(r.alert)})`
            : `TLS ${handshakeLine(r.details as HandshakeDetails)}`;
        this.addNote(node, peer, e.time, text, flow);
      }
    } else if ((type === 'http.request' || type === 'http.response') && r.side === 'client') {
      const conn = this.httpPeers.get(`${node}#${String(r.connection)}`);
      if (!conn) return;
      const text =
        type === 'http.request'
          ? `${String(r.method)} ${String(r.target)}`
          : `${String(r.status)} ${String(r.reason)}`;
      this.addNote(node, conn.peer, e.time, text, conn.flow);
    }
  }

  summaries(): ConversationSummary[] {
    return this.conversations.map((c) => ({
      id: c.id,
      a: c.lanes[0] ?? c.a,
      b: c.lanes[c.lanes.length - 1] ?? c.b,
      ports: c.ports,
      protocols: [...c.protocols],
      messages: c.messages.length,
      first: c.first,
    }));
  }

  /**
   * Messages `offset` .. `offset + limit` of a conversation (or of all, with -1), labelled,
   * with the notes that fall in their time span. `describe` names a captured packet as
   * the packet list does (its Info labels all but ARP and TCP, which are labelled here;
   * a TCP segment that carries an HTTP or TLS message gets that message's words first).
   */
  diagram(conversation: number, offset: number, limit: number, describe: Describe): Diagram {
    const c = conversation < 0 ? undefined : this.conversations[conversation];
    const indices = c ? c.messages : undefined;
    const total = indices ? indices.length : this.messages.length;
    const from = Math.max(0, Math.min(offset, total));
    const to = Math.min(total, from + Math.max(0, limit));
    const messages: DiagramMessage[] = [];
    for (let k = from; k < to; k++) {
      const m = this.messages[indices ? indices[k]! : k]!;
      const named = m.packet >= 0 && m.arpLabel === undefined ? describe(m.packet) : undefined;
      const base = this.label(m, () => named?.info ?? m.protocol);
      // A TCP segment carrying an application message is labelled by it, then by TCP's numbers.
      const app = m.tcp && named && named.protocol !== 'TCP' ? named : undefined;
      messages.push({
        packet: m.packet,
        from: m.from,
        to: m.to,
        tx: m.tx,
        rx: m.rx,
        lost: m.lost,
        protocol: app?.protocol ?? named?.protocol ?? m.protocol,
        transport: m.protocol,
        label: app ? `${app.info} (${base})` : base,
      });
    }
    const notesOf = c ? c.notes : this.allNotes;
    let notes: Note[];
    if (messages.length === 0) notes = notesOf.slice(0, limit);
    else {
      const start = from === 0 ? Number.NEGATIVE_INFINITY : messages[0]!.tx;
      const end = to === total ? Number.POSITIVE_INFINITY : Math.max(...messages.map((m) => m.rx ?? m.tx));
      notes = notesOf.filter((n) => n.time >= start && n.time <= end).slice(0, limit);
    }
    return {
      conversation: c ? c.id : -1,
      lanes: c ? [...c.lanes] : [...this.allLanes],
      total,
      offset: from,
      messages,
      notes: notes.map((n) => ({ lane: n.lane, time: n.time, text: n.text })),
    };
  }

  /** The label a ladder shows on a message's arrow; `info` is the dissector's summary for non-TCP. */
  label(m: Message, info: () => string): string {
    if (m.arpLabel !== undefined) return m.arpLabel;
    if (m.tcp) {
      const t = m.tcp;
      const names = [];
      if (t.flags & 0x02) names.push('SYN');
      if (t.flags & 0x01) names.push('FIN');
      if (t.flags & 0x04) names.push('RST');
      if (t.flags & 0x08) names.push('PSH');
      if (t.flags & 0x10) names.push('ACK');
      const isn = this.isn.get(t.dir);
      const risn = this.isn.get(t.rev);
      const seq = isn === undefined ? t.seq : (t.seq - isn) >>> 0;
      let text = `${names.join(', ')} Seq=${seq}`;
      if (t.flags & 0x10) text += ` Ack=${risn === undefined ? t.ack : (t.ack - risn) >>> 0}`;
      if (t.len > 0) text += ` Len=${t.len}`;
      return text;
    }
    return info();
  }

  private conversation(a: string, b: string, time: number, flow?: Flow): Conversation | undefined {
    const ends = flow ? [flow.a, flow.b] : [a, b];
    const key = `${flow ? 't' : 'n'}${ends[0]! < ends[1]! ? `${ends[0]}\u0000${ends[1]}` : `${ends[1]}\u0000${ends[0]}`}`;
    let c = this.byPair.get(key);
    if (!c) {
      if (this.conversations.length >= this.maxConversations) return undefined;
      c = {
        id: this.conversations.length,
        a,
        b,
        ports: flow ? `${flow.ports[0]} ↔ ${flow.ports[1]}` : '',
        lanes: a === b ? [a] : [a, b],
        protocols: new Set(),
        messages: [],
        notes: [],
        first: time,
      };
      this.conversations.push(c);
      this.byPair.set(key, c);
    }
    return c;
  }

  private addMessage(
    key: string,
    m: Omit<Message, 'conversation' | 'rx' | 'lost'>,
    a: string,
    b: string,
    flow?: Flow,
  ): void {
    if (this.messages.length >= this.maxMessages) {
      this.truncated++;
      return;
    }
    const c = this.conversation(a, b, m.tx, flow);
    if (!c) {
      this.truncated++;
      return;
    }
    const msg: Message = { ...m, conversation: c.id, rx: null, lost: null };
    for (const lane of [m.from, m.to]) this.addLane(c, lane);
    c.protocols.add(m.protocol);
    c.messages.push(this.messages.length);
    this.messages.push(msg);
    if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value as string);
    this.pending.set(key, msg);
    if (key.startsWith('i')) {
      const flow = key.slice(1, key.lastIndexOf('|', key.lastIndexOf('|') - 1));
      if (this.latestByFlow.size >= this.maxPending && !this.latestByFlow.has(flow))
        this.latestByFlow.delete(this.latestByFlow.keys().next().value as string);
      this.latestByFlow.set(flow, msg);
    }
  }

  private addNote(node: string, peer: string, time: number, text: string, flow?: Flow): void {
    if (this.notes >= this.maxNotes) {
      this.truncated++;
      return;
    }
    const c = this.conversation(node, peer, time, flow);
    if (!c) {
      this.truncated++;
      return;
    }
    this.addLane(c, node);
    this.addLane(c, peer);
    const note = { conversation: c.id, lane: node, time, text };
    c.notes.push(note);
    this.allNotes.push(note);
    this.notes++;
  }

  /** New lanes (routers answering with ICMP errors) go between the two ends. */
  private addLane(c: Conversation, lane: string): void {
    if (!this.allLaneSet.has(lane)) {
      this.allLaneSet.add(lane);
      this.allLanes.push(lane);
    }
    if (c.lanes.includes(lane)) return;
    const end = c.lanes.indexOf(c.b);
    if (end > 0 && lane !== c.b) c.lanes.splice(end, 0, lane);
    else c.lanes.push(lane);
  }
}

/** A TCP connection's two ends, as `address:port` with the address a uint32. */
interface Flow {
  readonly a: string;
  readonly b: string;
  readonly ports: readonly [number, number];
}

function tcpFlow(
  local: { address: string; port: number },
  remote: { address: string; port: number },
): Flow | undefined {
  const l = parseIpv4Address(local.address);
  const r = parseIpv4Address(remote.address);
  if (l === undefined || r === undefined || r === 0) return undefined;
  return { a: `${l}:${local.port}`, b: `${r}:${remote.port}`, ports: [local.port, remote.port] };
}

function arpKey(f: PacketFields): string {
  return `a${f.arpOp}|${f.arpSenderIp}|${f.arpTargetIp}|${f.arpSenderMac}`;
}

function ipKey(f: PacketFields): string {
  return `i${f.ipSrc}|${f.ipDst}|${f.ipProto}|${f.ipId}|${f.ipFragOffset}`;
}

function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** Source and destination of the datagram an ICMP error quotes. */
function quotedAddresses(frame: Uint8Array, f: PacketFields): { src: number; dst: number } | undefined {
  const at = 14 + f.ipHeaderLength + 8;
  if (frame.length < at + 20) return undefined;
  const u32 = (o: number) =>
    ((frame[o]! << 24) | (frame[o + 1]! << 16) | (frame[o + 2]! << 8) | frame[o + 3]!) >>> 0;
  return { src: u32(at + 12), dst: u32(at + 16) };
}
