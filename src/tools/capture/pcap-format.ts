/**
 * Constants of the classic libpcap capture file format (pcap-savefile(5);
 * draft-ietf-opsawg-pcap §4-5), shared by the writer and the reader.
 *
 * A file is a 24-byte global header followed by records, each a 16-byte header and the
 * captured bytes. The magic number tells the byte order and the timestamp resolution.
 */

/** Magic of files whose record timestamps carry microseconds. */
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
/** Magic of files whose record timestamps carry nanoseconds (what netlab writes). */
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;

export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;

export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** libpcap's MAXIMUM_SNAPLEN: the default, and the largest record netlab reads or writes. */
export const PCAP_MAX_SNAPLEN = 262_144;

/** LINKTYPE_ETHERNET: Ethernet II / 802.3 frames without preamble or FCS. */
export const LINKTYPE_ETHERNET = 1;
