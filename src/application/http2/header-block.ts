/**
 * A header block being received (RFC 9113 §4.3): the field block fragment of a HEADERS or
 * PUSH_PROMISE frame, then of CONTINUATION frames on the same stream until END_HEADERS,
 * with nothing else in between. The connection decodes it with HPACK once complete.
 *
 * Two limits make a block bounded whatever the peer does: its total size, and the number
 * of CONTINUATION frames (empty ones cost the peer nothing and us a frame each — the
 * 2024 "CONTINUATION flood"). Either answers with ENHANCE_YOUR_CALM.
 */
import { joinBytes } from '../../bytes/concat.ts';
import type { HeadersFrame, PushPromiseFrame } from './frame.ts';
import { connectionError, type H2Error } from './h2-error.ts';

export interface HeaderBlockLimits {
  readonly maxHeaderBlockSize: number;
  readonly maxContinuationFrames: number;
}

export class HeaderBlock {
  readonly kind: 'headers' | 'push-promise';
  readonly streamId: number;
  /** PUSH_PROMISE: the promised stream; 0 for HEADERS. */
  readonly promisedStreamId: number;
  readonly endStream: boolean;
  /** RFC 7540 priority fields naming the stream itself: reset it after decoding (§5.3.1). */
  readonly selfDependent: boolean;
  private readonly fragments: Uint8Array[];
  private size: number;
  private continuations = 0;

  constructor(f: HeadersFrame | PushPromiseFrame) {
    this.kind = f.type === 'HEADERS' ? 'headers' : 'push-promise';
    this.streamId = f.streamId;
    this.promisedStreamId = f.type === 'PUSH_PROMISE' ? f.promisedStreamId : 0;
    this.endStream = f.type === 'HEADERS' && f.endStream;
    this.selfDependent = f.type === 'HEADERS' && f.priority?.dependency === f.streamId;
    this.fragments = [f.fragment];
    this.size = f.fragment.length;
  }

  /** Checks the first fragment against the size limit. */
  check(limits: HeaderBlockLimits): H2Error | undefined {
    if (this.size > limits.maxHeaderBlockSize) {
      return connectionError('header-block-too-large', 'header block above the limit', 'ENHANCE_YOUR_CALM');
    }
    return undefined;
  }

  /** Adds a CONTINUATION fragment; an error when a limit is crossed. */
  append(fragment: Uint8Array, limits: HeaderBlockLimits): H2Error | undefined {
    this.fragments.push(fragment);
    this.size += fragment.length;
    this.continuations++;
    if (this.continuations > limits.maxContinuationFrames) {
      return connectionError(
        'continuation-flood',
        'too many CONTINUATION frames in one block',
        'ENHANCE_YOUR_CALM',
      );
    }
    return this.check(limits);
  }

  /** The whole block (a view when it came in one frame). */
  bytes(): Uint8Array {
    return joinBytes(this.fragments);
  }
}
