/**
 * The part of hpack.js (npm, a dev dependency with no types of its own) that the HPACK
 * benchmark and the cross-implementation test use.
 */
declare module 'hpack.js' {
  interface HpackJsHeader {
    name: string;
    value: string;
    neverIndex?: boolean;
  }
  interface HpackJsCompressor {
    write(headers: HpackJsHeader[]): boolean;
    read(): Uint8Array | null;
    updateTableSize(size: number): void;
  }
  interface HpackJsDecompressor {
    write(block: Uint8Array): boolean;
    execute(): void;
    read(): HpackJsHeader | null;
    updateTableSize(size: number): void;
  }
  const hpack: {
    compressor: { create(options: { table: { size: number } }): HpackJsCompressor };
    decompressor: { create(options: { table: { size: number } }): HpackJsDecompressor };
  };
  export default hpack;
}
