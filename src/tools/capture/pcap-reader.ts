/**
 * Reads classic libpcap capture files (pcap-savefile(5); draft-ietf-opsawg-pcap): both
 * timestamp resolutions (magic 0xa1b2c3d4 for microseconds, 0xa1b23c4d for nanoseconds)
 * in both byte orders. Used by tests to check what the writer produced and to replay
 * captures made elsewhere.
 *
 * Bounded and total: any input gives a value or a ProtocolError, never an exception. A
 * record longer than the file's snaplen or than 256 KiB is rejected (libpcap does the
 * same), as is a sub-second field out of range.
 *
 * Left out: pcapng, the "modified" Kuznetzov format (0xa1b2cd34), and the FCS-length
 * bits some writers put in the upper bits of the link type (reported as read).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import {
  PCAP_GLOBAL_HEADER_LENGTH,
  PCAP_MAGIC_MICROSECONDS,
  PCAP_MAGIC_NANOSECONDS,
  PCAP_MAX_SNAPLEN,
  PCAP_RECORD_HEADER_LENGTH,
  PCAP_VERSION_MAJOR,
} from './pcap-format.ts';

export interface PcapRecord {
  /**
   * Capture time in nanoseconds since the epoch of the file (0 for netlab captures).
   * Exact below 2^53 ns (about 104 days); use `seconds` and `subsecondNs` beyond that.
   */
  readonly timeNs: number;
  readonly seconds: number;
  /** The fraction of the second, in nanoseconds whatever the file's resolution. */
  readonly subsecondNs: number;
  /** The captured bytes: a view into the input (zero-copy). */
  readonly frame: Uint8Array;
  /** Length of the frame on the wire; more than `frame.length` when the capture cut it. */
  readonly originalLength: number;
}

export interface PcapFile {
  readonly linkType: number;
  /** True for nanosecond timestamps, false for microsecond ones. */
  readonly nanoseconds: boolean;
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly records: readonly PcapRecord[];
}

function fail(code: string, message: string, offset: number): ProtocolError {
  return new ProtocolError('pcap', code, message, offset);
}

export function readPcap(bytes: Uint8Array): PcapFile | ProtocolError {
  if (bytes.length < PCAP_GLOBAL_HEADER_LENGTH) {
    return fail('truncated', `${bytes.length} bytes is shorter than the 24-byte global header`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  let littleEndian: boolean;
  let nanoseconds: boolean;
  if (magicLe === PCAP_MAGIC_NANOSECONDS || magicLe === PCAP_MAGIC_MICROSECONDS) {
    littleEndian = true;
    nanoseconds = magicLe === PCAP_MAGIC_NANOSECONDS;
  } else if (magicBe === PCAP_MAGIC_NANOSECONDS || magicBe === PCAP_MAGIC_MICROSECONDS) {
    littleEndian = false;
    nanoseconds = magicBe === PCAP_MAGIC_NANOSECONDS;
  } else {
    return fail(
      'bad-magic',
      `magic 0x${magicBe.toString(16).padStart(8, '0')} is not a pcap magic number`,
      0,
    );
  }
  const le = littleEndian;
  const versionMajor = view.getUint16(4, le);
  const versionMinor = view.getUint16(6, le);
  if (versionMajor !== PCAP_VERSION_MAJOR) {
    return fail('unsupported-version', `version ${versionMajor}.${versionMinor} (only 2.x is supported)`, 4);
  }
  const snaplen = view.getUint32(16, le);
  const linkType = view.getUint32(20, le);
  // A snaplen of 0 or above the maximum is found in the wild; bound records by the maximum.
  const limit = snaplen === 0 || snaplen > PCAP_MAX_SNAPLEN ? PCAP_MAX_SNAPLEN : snaplen;
  const fractionLimit = nanoseconds ? 1_000_000_000 : 1_000_000;
  const fractionScale = nanoseconds ? 1 : 1_000;

  const records: PcapRecord[] = [];
  let at = PCAP_GLOBAL_HEADER_LENGTH;
  while (at < bytes.length) {
    if (bytes.length - at < PCAP_RECORD_HEADER_LENGTH) {
      return fail('truncated', `record header cut short (${bytes.length - at} of 16 bytes)`, at);
    }
    const seconds = view.getUint32(at, le);
    const fraction = view.getUint32(at + 4, le);
    const caplen = view.getUint32(at + 8, le);
    const originalLength = view.getUint32(at + 12, le);
    if (fraction >= fractionLimit) {
      return fail('bad-timestamp', `sub-second field ${fraction} is not below ${fractionLimit}`, at + 4);
    }
    if (caplen > limit) {
      return fail('bad-length', `record of ${caplen} bytes is larger than the limit of ${limit}`, at + 8);
    }
    const start = at + PCAP_RECORD_HEADER_LENGTH;
    if (bytes.length - start < caplen) {
      return fail('truncated', `record data cut short (${bytes.length - start} of ${caplen} bytes)`, start);
    }
    const subsecondNs = fraction * fractionScale;
    records.push({
      timeNs: seconds * 1_000_000_000 + subsecondNs,
      seconds,
      subsecondNs,
      frame: bytes.subarray(start, start + caplen),
      originalLength,
    });
    at = start + caplen;
  }
  return { linkType, nanoseconds, littleEndian, versionMajor, versionMinor, snaplen, records };
}
