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
