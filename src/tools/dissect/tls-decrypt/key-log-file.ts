/**
 * Reading an NSS key log (the SSLKEYLOGFILE format, what Wireshark's `tls.keylog_file`
 * takes): `LABEL <client random, 64 hex digits> <secret in hex>` per line; `#` lines are
 * comments. Secrets are found by label and client random, which is how the log ties a
 * secret to a connection (the ClientHello's random is in the clear).
 *
 * Lines that do not read are skipped, as Wireshark skips them; at most KEY_LOG_MAX_LINES
 * (the collector's own limit) are read.
 */
import { KEY_LOG_MAX_LINES } from '../../../application/tls/key-log.ts';

const LINE = /^([A-Z_0-9]+) ([0-9a-fA-F]{64}) ([0-9a-fA-F]{2,256})$/;

export class KeyLog {
  private readonly secrets = new Map<string, Uint8Array>();

  /** `text` is the file, or its lines. */
  constructor(text: string | readonly string[]) {
    const lines = typeof text === 'string' ? text.split('\n') : text;
    const n = Math.min(lines.length, KEY_LOG_MAX_LINES);
    for (let i = 0; i < n; i++) {
      const m = LINE.exec(lines[i]!.trim());
      if (m === null || m[3]!.length % 2 !== 0) continue;
      this.secrets.set(`${m[1]} ${m[2]!.toLowerCase()}`, hexBytes(m[3]!));
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The secret logged as `label` for the connection of `clientRandom` (hex). */
  secret(label: string, clientRandom: string): Uint8Array | undefined {
    return this.secrets.get(`${label} ${clientRandom}`);
  }
}

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
