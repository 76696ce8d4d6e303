/** The LAN/MAN/WAN presets carry the documented numbers (docs/scenario-format.md). */
import { describe, expect, it } from 'vitest';
import { MICROSECOND, MILLISECOND } from '../sim/time.ts';
import { LAN, LINK_PRESETS, linkPreset, MAN, WAN } from './presets.ts';

describe('link presets', () => {
  it('have the documented numbers', () => {
    expect(LAN).toMatchObject({ rate: 1e9, delay: 1 * MICROSECOND, queue: { packets: 1000 } });
    expect(MAN).toMatchObject({ rate: 100e6, delay: 250 * MICROSECOND, queue: { packets: 100 } });
    expect(WAN).toMatchObject({ rate: 10e6, delay: 20 * MILLISECOND, queue: { packets: 100 } });
  });

  it('get faster and nearer from WAN to LAN', () => {
    expect(LAN.rate > MAN.rate && MAN.rate > WAN.rate).toBe(true);
    expect(LAN.delay < MAN.delay && MAN.delay < WAN.delay).toBe(true);
  });

  it('are found by name, case-insensitively', () => {
    expect(linkPreset('WAN')).toBe(WAN);
    expect(linkPreset('lan')).toBe(LINK_PRESETS.lan);
    expect(linkPreset('campus')).toBeUndefined();
  });
});
