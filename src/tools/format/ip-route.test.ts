import { describe, expect, it } from 'vitest';
import { ipRouteLine, ipRouteLines } from './ip-route.ts';

describe('ip route', () => {
  it('prints routes in iproute2 field order', () => {
    expect(
      ipRouteLines([
        { destination: '0.0.0.0', prefixLength: 0, gateway: '10.0.0.254', device: 'eth0' },
        {
          destination: '10.0.0.0',
          prefixLength: 24,
          device: 'eth0',
          protocol: 'kernel',
          scope: 'link',
          source: '10.0.0.1',
        },
        { destination: '10.9.0.0', prefixLength: 16, gateway: '10.0.1.2', device: 'eth1', protocol: 'boot' },
        {
          destination: '10.8.0.0',
          prefixLength: 16,
          gateway: '10.0.1.2',
          device: 'eth1',
          protocol: 'netlab',
        },
      ]),
    ).toEqual([
      'default via 10.0.0.254 dev eth0',
      '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1',
      '10.9.0.0/16 via 10.0.1.2 dev eth1',
      '10.8.0.0/16 via 10.0.1.2 dev eth1 proto netlab',
    ]);
  });

  it('prints host routes without /32, metrics, types and linkdown', () => {
    expect(
      ipRouteLine({ destination: '10.0.0.5', prefixLength: 32, gateway: '10.0.0.254', device: 'eth0' }),
    ).toBe('10.0.0.5 via 10.0.0.254 dev eth0');
    expect(
      ipRouteLine({
        destination: '0.0.0.0',
        prefixLength: 0,
        gateway: '192.168.1.1',
        device: 'wlan0',
        protocol: 'dhcp',
        source: '192.168.1.23',
        metric: 600,
      }),
    ).toBe('default via 192.168.1.1 dev wlan0 proto dhcp src 192.168.1.23 metric 600');
    expect(ipRouteLine({ type: 'unreachable', destination: '192.0.2.0', prefixLength: 24 })).toBe(
      'unreachable 192.0.2.0/24',
    );
    expect(
      ipRouteLine({ type: 'blackhole', destination: '198.51.100.0', prefixLength: 24, scope: 'global' }),
    ).toBe('blackhole 198.51.100.0/24');
    expect(
      ipRouteLine({
        destination: '10.0.0.0',
        prefixLength: 24,
        device: 'eth0',
        protocol: 'kernel',
        scope: 'link',
        source: '10.0.0.1',
        linkDown: true,
      }),
    ).toBe('10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 linkdown');
  });
});
