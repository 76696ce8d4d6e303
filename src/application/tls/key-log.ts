/**
 * The NSS key log format (what SSLKEYLOGFILE holds, and what Wireshark's
 * `tls.keylog_file` reads): one line per secret, `LABEL <client random hex> <secret hex>`.
 * TLS 1.2 logs `CLIENT_RANDOM` with the master secret; TLS 1.3 logs the handshake and
 * application traffic secrets and the exporter secret. With it, anyone holding the file
 * decrypts the capture, which is the point in a lab and the danger everywhere else.
 */
import { toHex } from '../../bytes/hex.ts';
import type { TraceBus } from '../../sim/trace.ts';
import type { KeyLogLabel } from './events.ts';
import './trace-events.ts';

export function formatKeyLogLine(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): string {
  return `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
}

/** Largest number of lines a collector keeps (a line per secret, ~5 per connection). */
export const KEY_LOG_MAX_LINES = 100_000;

/** Collects every 'tls.keylog' line of a simulation into one key log file. */
export class KeyLogCollector {
  private readonly lines: string[] = [];
  private readonly stop: () => void;
  dropped = 0;

  constructor(bus: TraceBus) {
    this.stop = bus.on('tls.keylog', (e) => {
      if (this.lines.length < KEY_LOG_MAX_LINES) this.lines.push(e.line);
      else this.dropped++;
    });
  }

  /** The key log file's contents. */
  text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }

  get size(): number {
    return this.lines.length;
  }

  detach(): void {
    this.stop();
  }
}
