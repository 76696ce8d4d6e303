/** Accumulates the layers of one packet as the dissectors walk down the bytes. */
import type { Dissection, Layer } from './types.ts';

export class DissectionBuilder {
  readonly layers: Layer[] = [];
  source = '';
  destination = '';
  protocol = '';
  info = '';

  constructor(readonly frame: Uint8Array) {}

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
