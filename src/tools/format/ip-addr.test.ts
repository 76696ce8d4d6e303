import { describe, expect, it } from 'vitest';
import { ipAddrLines, ipLinkLines } from './ip-addr.ts';

const lo = {
  index: 1,
  name: 'lo',
  loopback: true,
  adminUp: true,
  carrier: true,
  mtu: 65536,
  mac: '00:00:00:00:00:00',
  addresses: [{ address: '127.0.0.1', prefixLength: 8 }],
};
const eth0 = {
  index: 2,
  name: 'eth0',
  adminUp: true,
  carrier: true,
  mtu: 1500,
  mac: '02:00:00:00:00:01',
  addresses: [
    { address: '10.0.0.1', prefixLength: 24, broadcast: '10.0.0.255' },
    { address: '10.0.0.2', prefixLength: 24, broadcast: '10.0.0.255', secondary: true },
  ],
};

describe('ip addr', () => {
  it('prints interfaces, flags, state and addresses', () => {
    expect(ipAddrLines([lo, eth0])).toEqual([
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    inet 127.0.0.1/8 scope host lo',
      '       valid_lft forever preferred_lft forever',
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000',
      '    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
      '    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
      '    inet 10.0.0.2/24 brd 10.0.0.255 scope global secondary eth0',
      '       valid_lft forever preferred_lft forever',
    ]);
  });

  it('shows a cable pulled out and an interface set down', () => {
    expect(ipLinkLines([{ ...eth0, carrier: false }])[0]).toBe(
      '2: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast state DOWN group default qlen 1000',
    );
    expect(ipLinkLines([{ ...eth0, adminUp: false }])[0]).toBe(
      '2: eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000',
    );
    expect(ipLinkLines([{ ...lo, adminUp: false }])[0]).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noqueue state DOWN group default qlen 1000',
    );
  });
});
