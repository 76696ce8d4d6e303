/**
 * Writes classic libpcap capture files (pcap-savefile(5); draft-ietf-opsawg-pcap) with
 * nanosecond timestamps (magic 0xa1b23c4d, version 2.4), in little-endian order as libpcap
 * writes them on x86. Wireshark, tshark and tcpdump open them as they are.
 *
 * The writer is a pure byte producer: it hands chunks to a sink (a file stream in Node, a
 * Blob builder in the browser) and never does I/O itself. Simulated time starts at 0, so
 * a capture starts at 1970-01-01 00:00:00 UTC; the same run always gives the same bytes.
 *
 * Left out: pcapng, per-interface link types (one link type per file), and FCS bytes
 * (LINKTYPE_ETHERNET frames carry none).
 */
import { concatBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import {
  LINKTYPE_ETHERNET,
  PCAP_GLOBAL_HEADER_LENGTH,
  PCAP_MAGIC_NANOSECONDS,
  PCAP_MAX_SNAPLEN,
  PCAP_RECORD_HEADER_LENGTH,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
} from './pcap-format.ts';

export interface PcapWriterOptions {
  /** Largest number of bytes kept per frame, 1..262144 (default 262144). */
  readonly snaplen?: number;
  /** LINKTYPE_* value for every record (default 1, Ethernet). */
  readonly linkType?: number;
}

/** One frame to write: its capture time in nanoseconds and its bytes. */
export interface PcapInputRecord {
  readonly timeNs: number;
  readonly frame: Uint8Array;
}

const NS_PER_SECOND = 1_000_000_000;

export class PcapWriter {
  readonly snaplen: number;
  readonly linkType: number;
  /** Records written so far. */
  records = 0;
  /** Bytes handed to the sink so far, global header included. */
  bytes = 0;

  /**
   * Writes the global header to `sink` at once. Every chunk given to the sink is a fresh
   * buffer that the sink may keep.
   */
  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    opts: PcapWriterOptions = {},
  ) {
    const snaplen = opts.snaplen ?? PCAP_MAX_SNAPLEN;
    const linkType = opts.linkType ?? LINKTYPE_ETHERNET;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > PCAP_MAX_SNAPLEN) {
      throw new NetlabError(
        'pcap-bad-snaplen',
        `snaplen must be an integer in 1..${PCAP_MAX_SNAPLEN}, got ${snaplen}`,
      );
    }
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff_ffff) {
      throw new NetlabError(
        'pcap-bad-link-type',
        `link type must be a 32-bit unsigned integer, got ${linkType}`,
      );
    }
    this.snaplen = snaplen;
    this.linkType = linkType;
    this.emit(pcapGlobalHeader(snaplen, linkType));
  }

  /**
   * Appends one record. The frame is copied (simulated frames are live buffers that
   * routers rewrite later); at most `snaplen` bytes are kept and the original length is
   * recorded. `timeNs` is simulated time: a non-negative integer below 2^53.
   */
  write(timeNs: number, frame: Uint8Array): void {
    if (!Number.isSafeInteger(timeNs) || timeNs < 0) {
      throw new NetlabError(
        'pcap-bad-time',
        `capture time must be a non-negative integer of nanoseconds, got ${timeNs}`,
      );
    }
    const caplen = Math.min(frame.length, this.snaplen);
    const out = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + caplen);
    const view = new DataView(out.buffer);
    view.setUint32(0, Math.floor(timeNs / NS_PER_SECOND), true);
    view.setUint32(4, timeNs % NS_PER_SECOND, true);
    view.setUint32(8, caplen, true);
    view.setUint32(12, frame.length, true);
    out.set(frame.subarray(0, caplen), PCAP_RECORD_HEADER_LENGTH);
    this.records++;
    this.emit(out);
  }

  private emit(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.sink(chunk);
  }
}

/** The 24-byte global header: nanosecond magic, version 2.4, zone 0, sigfigs 0. */
export function pcapGlobalHeader(snaplen = PCAP_MAX_SNAPLEN, linkType = LINKTYPE_ETHERNET): Uint8Array {
  const out = new Uint8Array(PCAP_GLOBAL_HEADER_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(0, PCAP_MAGIC_NANOSECONDS, true);
  view.setUint16(4, PCAP_VERSION_MAJOR, true);
  view.setUint16(6, PCAP_VERSION_MINOR, true);
  // thiszone (4 bytes) and sigfigs (4 bytes) stay 0, as every modern writer leaves them.
  view.setUint32(16, snaplen, true);
  view.setUint32(20, linkType, true);
  return out;
}

/** A whole capture file in one buffer: convenient for tests and small exports. */
export function pcapBytes(records: Iterable<PcapInputRecord>, opts: PcapWriterOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new PcapWriter((chunk) => chunks.push(chunk), opts);
  for (const r of records) writer.write(r.timeNs, r.frame);
  return concatBytes(chunks);
}
