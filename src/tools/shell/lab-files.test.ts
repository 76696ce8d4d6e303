import { describe, expect, it } from 'vitest';
import { keepLabFile, savedPath } from './lab-files.ts';

describe('lab files', () => {
  it('keeps what is written, and nothing for /dev/null', () => {
    const files = new Map<string, Uint8Array>();
    keepLabFile(files, 'page.html', Uint8Array.of(1));
    keepLabFile(files, '/dev/null', Uint8Array.of(2));
    expect([...files.keys()]).toEqual(['page.html']);
  });

  it('saves below the output folder, never outside it', () => {
    expect(savedPath('page.html')).toBe('page.html');
    expect(savedPath('/tmp/capture.pcap')).toBe('tmp/capture.pcap');
    expect(savedPath('./out//a.bin')).toBe('out/a.bin');
    expect(savedPath('../escape')).toBeUndefined();
    expect(savedPath('a/../../b')).toBeUndefined();
    expect(savedPath('/')).toBeUndefined();
    expect(savedPath('')).toBeUndefined();
  });
});
