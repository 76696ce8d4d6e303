/**
 * The typed error every wire codec returns (never throws) for bytes it cannot accept.
 *
 * Codecs follow one convention: `parseX(bytes): X | ProtocolError`. A caller checks
 * `instanceof ProtocolError`; the error names the protocol, a stable `code`, the byte
 * offset where parsing stopped and which side is at fault. Machines turn it into the
 * protocol's own answer (an ICMP error, a DNS FORMERR, an HTTP 400, a TLS alert...).
 *
 * It deliberately does not extend `Error`: it is an expected value on hostile input, not a
 * programming mistake, and capturing a stack trace for every bad packet would be waste.
 */
export class ProtocolError {
  constructor(
    /** Which codec rejected the input, e.g. 'ipv4', 'ethernet'. */
    readonly protocol: string,
    /** Stable machine-readable reason, e.g. 'truncated', 'bad-checksum'. */
    readonly code: string,
    /** Human-readable explanation. */
    readonly message: string,
    /** Offset into the input where the problem was found, when known. */
    readonly offset?: number,
    /** Who broke the protocol: input from the network is 'remote'. */
    readonly side: 'local' | 'remote' = 'remote',
  ) {}

  toString(): string {
    const at = this.offset === undefined ? '' : ` at byte ${this.offset}`;
    return `${this.protocol}: ${this.code}${at}: ${this.message}`;
  }
}

/** Type guard usable in `filter` and conditionals. */
export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}
