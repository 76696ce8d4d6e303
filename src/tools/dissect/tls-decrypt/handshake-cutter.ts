/**
 * Handshake messages cut out of the handshake records of one direction (RFC 8446 §5.1:
 * a message may span records, and a record may hold several). The decoder needs them to
 * know when keys change: a TLS 1.3 Finished ends its sender's handshake keys, a KeyUpdate
 * moves to the next traffic secret (§4.6.3); and to read the hellos' randoms and suite.
 *
 * Bounded: a message announcing more than MAX_MESSAGE bytes stops the cutter (no real
 * handshake message comes near it; a Certificate chain of ten 4 KiB certificates is 40 KiB).
 */

export const MAX_MESSAGE = 1 << 18;

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
}

export class HandshakeCutter {
  private pending = new Uint8Array(0);
  broken = false;

  /** Adds a record's handshake content; returns the messages it completes. */
  push(content: Uint8Array): HandshakeMessage[] {
    if (this.broken) return [];
    const b = this.pending.length === 0 ? content : concat(this.pending, content);
    const out: HandshakeMessage[] = [];
    let at = 0;
    while (b.length - at >= 4) {
      const len = (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
      if (len > MAX_MESSAGE) {
        this.broken = true;
        return out;
      }
      if (b.length - at - 4 < len) break;
      out.push({ type: b[at]!, body: b.subarray(at + 4, at + 4 + len) });
      at += 4 + len;
    }
    this.pending = b.slice(at);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
