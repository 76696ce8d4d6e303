/** Packet capture: classic pcap files with nanosecond timestamps. */
export * from './pcap-format.ts';
export { type PcapFile, type PcapRecord, readPcap } from './pcap-reader.ts';
export {
  type PcapInputRecord,
  PcapWriter,
  type PcapWriterOptions,
  pcapBytes,
  pcapGlobalHeader,
} from './pcap-writer.ts';
