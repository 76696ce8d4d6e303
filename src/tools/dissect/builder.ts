/** Accumulates the layers of one packet as the dissectors walk down the bytes. */
import type { HeaderBlockContext } from './http2-header-fields.ts';
import type { Dissection, Layer } from './types.ts';

export class DissectionBuilder {
  readonly layers: Layer[] = [];
  source = '';
  destination = '';
  protocol = '';
  info = '';

  constructor(
    readonly frame: Uint8Array,
    /** The decoded header blocks of the cleartext HTTP/2 connection the frame is a segment of (h2c-headers.ts). */
    readonly http2Headers?: HeaderBlockContext,
  ) {}

  add(layer: Layer, info?: string): void {
    this.layers.push(layer);
    this.protocol = layer.protocol;
    if (info !== undefined) this.info = info;
  }

  /**
   * A layer too short or too broken to decode: no fields, `Malformed: <why>` as its
   * problem, and Wireshark's `[Malformed Packet]` as the packet's info.
   */
  addMalformed(layer: Pick<Layer, 'protocol' | 'title' | 'offset' | 'length'>, why: string): void {
    this.add({ ...layer, fields: [], problem: `Malformed: ${why}` }, '[Malformed Packet]');
  }

  build(): Dissection {
    return {
      layers: this.layers,
      source: this.source,
      destination: this.destination,
      protocol: this.protocol,
      info: this.info,
    };
  }
}
