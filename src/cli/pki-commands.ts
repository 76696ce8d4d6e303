/**
 * `netlab pki init DIR` and `netlab pki issue DIR NAME [NAME...]`: a certificate authority
 * of your own on disk (src/real/pki-files.ts), for `netlab serve https` and real clients.
 *
 *   netlab pki init DIR [--cn NAME] [--rsa] [--force]
 *                         writes DIR/ca.crt and DIR/ca.key (PEM)
 *   netlab pki issue DIR NAME [NAME...] [--days N] [--rsa]
 *                         writes DIR/NAME.crt (leaf then chain) and DIR/NAME.key for those
 *                         DNS names and IP addresses (the first names the files)
 *
 * Exit status 0, 1 when the files cannot be written or the CA cannot be read, 2 for usage.
 */
import { parseArgs } from 'node:util';
import { pkiInit, pkiIssue } from '../real/pki-files.ts';
import type { CliIo } from './dns-commands.ts';

const USAGE =
  'usage: netlab pki init DIR [--cn NAME] [--rsa] [--force] | netlab pki issue DIR NAME [NAME...] [--days N] [--rsa]';

export function runPkiCli(args: readonly string[], io: CliIo): number {
  const [sub, ...rest] = args;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (e) {
    io.err(`netlab pki: ${(e as Error).message}`);
    io.err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const keyType = values.rsa ? 'rsa' : 'ec';
  try {
    if (sub === 'init' && positionals.length === 1) {
      const f = pkiInit(positionals[0]!, {
        keyType,
        ...(values.cn !== undefined ? { commonName: values.cn } : {}),
        ...(values.force ? { force: true } : {}),
      });
      io.out(`netlab: wrote ${f.certFile} and ${f.keyFile}`);
      return 0;
    }
    if (sub === 'issue' && positionals.length >= 2) {
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
        io.err('netlab pki issue: --days needs a whole number of days above 0');
        return 2;
      }
      const f = pkiIssue(positionals[0]!, positionals.slice(1), { keyType, ...(days ? { days } : {}) });
      io.out(`netlab: wrote ${f.certFile} and ${f.keyFile} for ${positionals.slice(1).join(', ')}`);
      return 0;
    }
  } catch (e) {
    io.err(`netlab pki ${sub}: ${(e as Error).message}`);
    return 1;
  }
  io.err(USAGE);
  return 2;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      cn: { type: 'string' },
      rsa: { type: 'boolean' },
      force: { type: 'boolean' },
      days: { type: 'string' },
    },
  });
}
