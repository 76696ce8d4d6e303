import { describe, expect, it } from 'vitest';
import { ARP_TABLE_HEADER, arpAllLines, arpTableLines } from './arp.ts';

const entries = [
  { address: '10.0.0.1', mac: '02:00:00:00:00:01', device: 'eth0' },
  { address: '10.0.0.254', name: 'gateway', mac: '02:00:00:00:00:fe', device: 'eth0' },
  { address: '10.0.0.9', device: 'eth0' },
  { address: '10.0.1.7', mac: '02:00:00:00:01:07', device: 'eth1', permanent: true },
];

describe('arp', () => {
  it('prints arp -a lines', () => {
    expect(arpAllLines(entries)).toEqual([
      '? (10.0.0.1) at 02:00:00:00:00:01 [ether] on eth0',
      'gateway (10.0.0.254) at 02:00:00:00:00:fe [ether] on eth0',
      '? (10.0.0.9) at <incomplete> on eth0',
      '? (10.0.1.7) at 02:00:00:00:01:07 [ether] PERM on eth1',
    ]);
    expect(arpAllLines(entries, { numeric: true })[1]).toBe(
      '? (10.0.0.254) at 02:00:00:00:00:fe [ether] on eth0',
    );
    expect(arpAllLines([])).toEqual([]);
  });

  it('prints the arp table with net-tools column widths', () => {
    const lines = arpTableLines(entries);
    expect(lines).toEqual([
      'Address                  HWtype  HWaddress           Flags Mask            Iface',
      '10.0.0.1                 ether   02:00:00:00:00:01   C                     eth0',
      'gateway                  ether   02:00:00:00:00:fe   C                     eth0',
      '10.0.0.9                         (incomplete)                              eth0',
      '10.0.1.7                 ether   02:00:00:00:01:07   CM                    eth1',
    ]);
    for (const line of lines.slice(1))
      expect(line.lastIndexOf(' eth') + 1).toBe(ARP_TABLE_HEADER.indexOf('Iface'));
    expect(arpTableLines(entries, { numeric: true })[2]).toBe(
      '10.0.0.254               ether   02:00:00:00:00:fe   C                     eth0',
    );
    expect(arpTableLines([])).toEqual([]);
  });
});
