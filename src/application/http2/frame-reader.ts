/**
 * The HTTP/2 frame stream parser: bytes in, whole frames out, as they arrive in chunks
 * of any size (RFC 9113 §4.1).
 *
 * - Optionally checks the client connection preface first (§3.4) — a server's reader.
 * - Checks each frame's length against SETTINGS_MAX_FRAME_SIZE from its header alone
 *   (§4.2: FRAME_SIZE_ERROR), before buffering the payload, so a hostile length costs
 *   nothing.
 * - A payload held within one received chunk is returned as a view of it (no copy); one
 *   spread over several chunks is assembled once, when all of it has arrived.
 *
 * Memory: the reader holds what was pushed and not yet returned; a caller that drains
 * `next()` after every `push()` keeps that below one frame (maxFrameSize + 9 octets) plus
 * one chunk.
 */
import { type Frame, FRAME_HEADER_LENGTH, type FrameHeader } from './frame.ts';
import { parseFrame, parseFrameHeader } from './frame-codec.ts';
import { connectionError, H2Error } from './h2-error.ts';
import { CLIENT_PREFACE } from './preface.ts';
import { MIN_MAX_FRAME_SIZE } from './settings.ts';

export interface FrameReaderOptions {
  /** SETTINGS_MAX_FRAME_SIZE this side advertised. Default 16384. */
  readonly maxFrameSize?: number;
  /** Expect the 24-octet client preface before the first frame (servers). */
  readonly expectPreface?: boolean;
}

export interface ReadFrame {
  readonly header: FrameHeader;
  readonly frame: Frame;
}

export class FrameReader {
  /** The limit for incoming frame payloads; the connection raises it when its SETTINGS change. */
  maxFrameSize: number;
  private chunks: Uint8Array[] = [];
  private offset = 0; // read position in chunks[0]
  private buffered = 0;
  private prefaceLeft: number;
  private failed: H2Error | null = null;
  private readonly scratch = new Uint8Array(FRAME_HEADER_LENGTH);

  constructor(options: FrameReaderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? MIN_MAX_FRAME_SIZE;
    this.prefaceLeft = options.expectPreface ? CLIENT_PREFACE.length : 0;
  }

  /** Octets received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Whether the preface (when expected) has been fully received. */
  get prefaceReceived(): boolean {
    return this.prefaceLeft === 0;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame, an H2Error (after which the reader stays failed: a framing
   * error ends the connection), or null when more bytes are needed.
   */
  next(): ReadFrame | H2Error | null {
    if (this.failed) return this.failed;
    if (this.prefaceLeft > 0) {
      const err = this.checkPreface();
      if (err) return (this.failed = err);
      if (this.prefaceLeft > 0) return null;
    }
    if (this.buffered < FRAME_HEADER_LENGTH) return null;
    const head = this.chunks[0]!;
    const header =
      head.length - this.offset >= FRAME_HEADER_LENGTH
        ? parseFrameHeader(head, this.offset)
        : parseFrameHeader(this.peek(FRAME_HEADER_LENGTH), 0);
    if (header.length > this.maxFrameSize) {
      return (this.failed = connectionError(
        'frame-too-large',
        `frame of ${header.length} octets exceeds SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize}`,
        'FRAME_SIZE_ERROR',
      ));
    }
    if (this.buffered < FRAME_HEADER_LENGTH + header.length) return null;
    this.skip(FRAME_HEADER_LENGTH);
    const payload = this.take(header.length);
    const frame = parseFrame(header, payload);
    if (frame instanceof H2Error) {
      if (frame.scope === 'connection') this.failed = frame;
      return frame;
    }
    return { header, frame };
  }

  private checkPreface(): H2Error | undefined {
    while (this.prefaceLeft > 0 && this.buffered > 0) {
      const head = this.chunks[0]!;
      const expected = CLIENT_PREFACE[CLIENT_PREFACE.length - this.prefaceLeft]!;
      if (head[this.offset] !== expected) {
        return connectionError(
          'bad-preface',
          'the connection did not start with the HTTP/2 preface',
          'PROTOCOL_ERROR',
        );
      }
      this.skip(1);
      this.prefaceLeft--;
    }
    return undefined;
  }

  /** The next n buffered octets, copied into scratch, without consuming them. */
  private peek(n: number): Uint8Array {
    let filled = 0;
    let offset = this.offset;
    for (let i = 0; filled < n; i++) {
      const c = this.chunks[i]!;
      const take = Math.min(n - filled, c.length - offset);
      this.scratch.set(c.subarray(offset, offset + take), filled);
      filled += take;
      offset = 0;
    }
    return this.scratch;
  }

  private skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /** Consumes n octets: a view when they lie in one chunk, else one assembled copy. */
  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const c = this.chunks[0]!;
    if (c.length - this.offset >= n) {
      const view = c.subarray(this.offset, this.offset + n);
      this.skip(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const part = Math.min(n - filled, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + part), filled);
      filled += part;
      this.skip(part);
    }
    return out;
  }
}
