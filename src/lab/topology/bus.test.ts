/** The bus builder: documented names, ports and addresses. */
import { describe, expect, it } from 'vitest';
import { BUS_DEFAULTS, DEFAULT_LINK } from '../scenario/defaults.ts';
import { bus } from './bus.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('bus builder', () => {
  it('puts h1..hN on bus1 at the first addresses of 10.0.0.0/24', () => {
    const t = bus({ hosts: 3 });
    expect(nodeLines(t)).toEqual([
      'bus1 bus p1 p2 p3',
      'h1 host eth0=10.0.0.1/24',
      'h2 host eth0=10.0.0.2/24',
      'h3 host eth0=10.0.0.3/24',
    ]);
    expect(linkLines(t)).toEqual(['h1:eth0-bus1:p1', 'h2:eth0-bus1:p2', 'h3:eth0-bus1:p3']);
  });

  it("gives attachments the medium's numbers and the link's queue", () => {
    const t = bus({ hosts: 2, medium: { rate: 2e6 }, link: { queue: { packets: 7 } } });
    expect(t.nodes[0]).toMatchObject({ kind: 'bus', rate: 2e6, delay: BUS_DEFAULTS.delay, loss: 0 });
    expect(t.links[0]).toMatchObject({
      rate: 2e6,
      delay: BUS_DEFAULTS.delay,
      queue: { packets: 7 },
      jitter: 0,
    });
    expect(t.links[0]!.mtu).toBe(DEFAULT_LINK.mtu);
  });

  it('numbers hosts inside a given subnet and refuses too small a one', () => {
    expect(nodeLines(bus({ hosts: 2, subnet: { address: 0xc0a80100, length: 30 } }))[2]).toBe(
      'h2 host eth0=192.168.1.2/30',
    );
    expect(() => bus({ hosts: 3, subnet: { address: 0xc0a80100, length: 30 } })).toThrow(
      /2 host addresses; 3/,
    );
    expect(() => bus({ hosts: 0 })).toThrow(/hosts must be a whole number from 1/);
  });
});
