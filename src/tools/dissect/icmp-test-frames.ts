/**
 * Test frame: an ICMP echo request inside Ethernet / IPv4, built by hand with correct
 * checksums. Used by the dissector's tests and by the tshark interop test, which shows
 * that tshark reads it the same way (test/interop/pcap-writer.test.ts).
 */
import { fromHex } from '../../bytes/hex.ts';

/**
 * 02:00:00:00:00:01 -> 02:00:00:00:00:02, IPv4 10.0.0.1 -> 10.0.0.2 TTL 64 DF, ICMP echo
 * request id 0x1234 seq 1 with 56 bytes 0x10..0x47. Checksums computed with a throwaway
 * Python script: IPv4 0x26a6, ICMP 0x2cf6.
 */
export const ECHO_REQUEST: Uint8Array = fromHex(
  '020000000002 020000000001 0800' +
    '4500 0054 0001 4000 4001 26a6 0a000001 0a000002' +
    '0800 2cf6 1234 0001' +
    '101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f' +
    '303132333435363738393a3b3c3d3e3f4041424344454647',
);
