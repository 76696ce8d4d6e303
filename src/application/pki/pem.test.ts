import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { base64Decode, base64Encode, decodePem, encodePem } from './pem.ts';

describe('PEM', () => {
  it('writes 64-column base64 between BEGIN and END lines', () => {
    const text = encodePem('CERTIFICATE', new Uint8Array(60).fill(0xff));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines[1]!.startsWith('////')).toBe(true);
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
  });

  it('reads every block of a file, ignoring text around them', () => {
    const text = `subject=CN = a\n${encodePem('CERTIFICATE', Uint8Array.of(1, 2))}junk\r\n${encodePem('PRIVATE KEY', Uint8Array.of(3))}`;
    const blocks = decodePem(text.replace(/\n/g, '\r\n'));
    expect(blocks).toEqual([
      { label: 'CERTIFICATE', der: Uint8Array.of(1, 2) },
      { label: 'PRIVATE KEY', der: Uint8Array.of(3) },
    ]);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (b) => {
        expect(base64Decode(base64Encode(b))).toEqual(b);
        expect(decodePem(encodePem('X', b))).toEqual([{ label: 'X', der: b }]);
      }),
    );
  });

  it.each([
    ['no block', 'hello', 'no-pem'],
    ['no END', '-----BEGIN A-----\nAAAA\n', 'unterminated'],
    ['wrong END', '-----BEGIN A-----\nAAAA\n-----END B-----\n', 'label-mismatch'],
    ['bad base64', '-----BEGIN A-----\nA*AA\n-----END A-----\n', 'bad-base64'],
    [
      'encrypted',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n',
      'encrypted-pem',
    ],
  ])('refuses %s', (_what, text, code) => {
    const r = decodePem(text);
    expect(r).toBeInstanceOf(ProtocolError);
    expect((r as ProtocolError).code).toBe(code);
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        decodePem(`-----BEGIN X-----\n${s}\n-----END X-----`);
        decodePem(s);
      }),
    );
  });
});
