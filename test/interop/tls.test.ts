/**
 * netlab's TLS against real OpenSSL and curl, over loopback sockets:
 * - real `openssl s_client -tls1_3` / `-tls1_2 -CAfile ca.crt -verify_return_error`
 *   complete handshakes and HTTP requests against `serveHttps`, for every suite netlab
 *   implements, with ECDSA and RSA certificates from `netlab pki`, with several key exchange
 *   groups (and a HelloRetryRequest), and with client certificates;
 * - real `curl --cacert` fetches over it in TLS 1.2 and 1.3;
 * - netlab's curl (`curlHttps`) completes handshakes and requests with `openssl s_server
 *   -www` (1.2 and 1.3) using certificates OpenSSL made, and refuses an unknown CA, a wrong
 *   host name and an expired certificate with curl's messages and exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../src/application/pki/der-time.ts';
import { type HttpsServerHandle, serveHttps } from '../../src/real/https-server.ts';
import { connectNet } from '../../src/real/net-stream.ts';
import { pkiInit, pkiIssue } from '../../src/real/pki-files.ts';
import { curlHttps } from '../../src/real/tls-client.ts';
import {
  freePort,
  hasOpenssl,
  openssl,
  opensslAsync,
  startOpenssl,
  tempDir,
  waitForOutput,
  warnIfNoOpenssl,
} from './openssl-helpers.ts';

warnIfNoOpenssl('the TLS interop tests');
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasCurl) console.warn('SKIPPED: curl not installed, so the curl TLS interop tests did not run.');

const REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** Runs s_client with a request on stdin, waiting for the server to close. */
function sClient(port: number, args: readonly string[]) {
  return opensslAsync(
    ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-ign_eof', ...args],
    REQUEST,
  );
}

/** Runs curl without blocking the event loop. */
function curlAsync(
  args: readonly string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.skipIf(!hasOpenssl())('openssl s_client and curl against netlab serve https', () => {
  const dir = tempDir('netlab-https-');
  const www = join(dir, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), '<h1>served by netlab over TLS</h1>\n');
  const pki = join(dir, 'pki');
  let ec: HttpsServerHandle;
  let rsa: HttpsServerHandle;
  let mtls: HttpsServerHandle;
  let clientCert: { certFile: string; keyFile: string };

  beforeAll(async () => {
    pkiInit(pki);
    const ecFiles = pkiIssue(pki, ['localhost', '127.0.0.1']);
    const rsaFiles = pkiIssue(pki, ['rsa.localhost', 'localhost'], { keyType: 'rsa' });
    clientCert = pkiIssue(pki, ['alice.client']);
    ec = await serveHttps({ port: 0, certFile: ecFiles.certFile, keyFile: ecFiles.keyFile, root: www });
    rsa = await serveHttps({ port: 0, certFile: rsaFiles.certFile, keyFile: rsaFiles.keyFile, root: www });
    mtls = await serveHttps({
      port: 0,
      certFile: ecFiles.certFile,
      keyFile: ecFiles.keyFile,
      root: www,
      clientCa: join(pki, 'ca.crt'),
      requireClientCertificate: true,
    });
  });

  afterAll(async () => {
    await ec?.close();
    await rsa?.close();
    await mtls?.close();
  });

  const ca = () => join(pki, 'ca.crt');
  const expectGood = (r: { stdout: string; stderr: string }, protocol: string, cipher: string) => {
    const all = r.stdout + r.stderr;
    expect(all).toContain('Verify return code: 0 (ok)');
    expect(all).toContain(`New, ${protocol}, Cipher is ${cipher}`);
    expect(all).toContain('HTTP/1.1 200 OK');
    expect(all).toContain('<h1>served by netlab over TLS</h1>');
  };

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`TLS 1.3 ${suite} with an ECDSA certificate`, async () => {
      const r = await sClient(ec.port, [
        '-tls1_3',
        '-ciphersuites',
        suite,
        '-CAfile',
        ca(),
        '-verify_return_error',
      ]);
      expectGood(r, 'TLSv1.3', suite);
    });
  }

  it('TLS 1.3 with an RSA certificate (rsa_pss_rsae_sha256)', async () => {
    const r = await sClient(rsa.port, ['-tls1_3', '-CAfile', ca(), '-verify_return_error']);
    expectGood(r, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    expect(r.stdout).toMatch(/Peer signature type: RSA-PSS/);
  });

  for (const groups of ['X25519', 'P-256', 'P-384']) {
    it(`TLS 1.3 key exchange on ${groups}`, async () => {
      const r = await sClient(ec.port, [
        '-tls1_3',
        '-groups',
        groups,
        '-CAfile',
        ca(),
        '-verify_return_error',
      ]);
      expectGood(r, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
      expect(r.stdout).toContain(`Server Temp Key: ${groups === 'X25519' ? 'X25519' : 'ECDH'}`);
    });
  }

  it('TLS 1.3 HelloRetryRequest: the client shares P-521 (not served), netlab asks for X25519', async () => {
    const r = await sClient(ec.port, [
      '-tls1_3',
      '-groups',
      'P-521:X25519',
      '-CAfile',
      ca(),
      '-verify_return_error',
      '-msg',
    ]);
    expectGood(r, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    expect((r.stdout.match(/<<< TLS 1.3, Handshake \[length [0-9a-f]+\], ServerHello/g) ?? []).length).toBe(
      2,
    );
    expect(r.stdout).toContain('Server Temp Key: X25519');
  });

  for (const cipher of [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
  ]) {
    it(`TLS 1.2 ${cipher}`, async () => {
      const r = await sClient(ec.port, [
        '-tls1_2',
        '-cipher',
        cipher,
        '-CAfile',
        ca(),
        '-verify_return_error',
      ]);
      expectGood(r, 'TLSv1.2', cipher);
      expect(r.stdout).toMatch(/Extended master secret: yes/);
    });
  }

  for (const cipher of [
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
  ]) {
    it(`TLS 1.2 ${cipher} with an RSA certificate`, async () => {
      const r = await sClient(rsa.port, [
        '-tls1_2',
        '-cipher',
        cipher,
        '-CAfile',
        ca(),
        '-verify_return_error',
      ]);
      expectGood(r, 'TLSv1.2', cipher);
    });
  }

  it('the server picks from its own preference order (AES-128-GCM first)', async () => {
    const r = await sClient(ec.port, ['-tls1_3', '-CAfile', ca(), '-verify_return_error']);
    expectGood(r, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
  });

  it('a group netlab does not serve by default (P-521 only): handshake_failure', async () => {
    const r = await sClient(ec.port, ['-tls1_3', '-groups', 'P-521', '-CAfile', ca()]);
    expect(r.stdout + r.stderr).toContain('alert handshake failure');
  });

  it('no common cipher suite: openssl gets handshake_failure', async () => {
    const r = await sClient(ec.port, ['-tls1_2', '-cipher', 'AES128-SHA', '-CAfile', ca()]);
    expect(r.stdout + r.stderr).toContain('alert handshake failure');
  });

  it('mutual TLS: a client certificate from the CA is accepted, none is refused', async () => {
    const good = await sClient(mtls.port, [
      '-tls1_3',
      '-CAfile',
      ca(),
      '-verify_return_error',
      '-cert',
      clientCert.certFile,
      '-key',
      clientCert.keyFile,
    ]);
    expectGood(good, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    const none = await sClient(mtls.port, ['-tls1_3', '-CAfile', ca()]);
    expect(none.stdout + none.stderr).toContain('certificate required');
    const good12 = await sClient(mtls.port, [
      '-tls1_2',
      '-CAfile',
      ca(),
      '-verify_return_error',
      '-cert',
      clientCert.certFile,
      '-key',
      clientCert.keyFile,
    ]);
    expectGood(good12, 'TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256');
  });

  it('openssl capped at TLS 1.2 (-no_tls1_3) still connects: the downgrade sentinel is only checked by 1.3-capable clients', async () => {
    const r = await sClient(ec.port, ['-no_tls1_3', '-CAfile', ca(), '-verify_return_error']);
    expectGood(r, 'TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256');
  });

  describe.skipIf(!hasCurl)('curl', () => {
    for (const [flags, proto] of [
      [['--tlsv1.3'], 'TLSv1.3'],
      [['--tlsv1.2', '--tls-max', '1.2'], 'TLSv1.2'],
    ] as const) {
      it(`curl --cacert fetches over ${proto}`, async () => {
        const r = await curlAsync(['-sS', '-v', ...flags, '--cacert', ca(), `https://localhost:${ec.port}/`]);
        expect(r.status).toBe(0);
        expect(r.stdout).toBe('<h1>served by netlab over TLS</h1>\n');
        expect(r.stderr).toContain(`* SSL connection using ${proto}`);
        expect(r.stderr).toContain('*  SSL certificate verify ok.');
        expect(r.stderr).toContain('* ALPN: server accepted http/1.1');
      });
    }

    it('curl refuses our server without the CA (exit 60)', async () => {
      const r = await curlAsync(['-sS', `https://localhost:${ec.port}/`]);
      expect(r.status).toBe(60);
    });
  });
});

describe.skipIf(!hasOpenssl())('netlab curl against openssl s_server -www', () => {
  const dir = tempDir('netlab-sserver-');
  const made: Record<'rsa' | 'ec', { ca: string; crt: string; key: string }> = {} as never;

  beforeAll(() => {
    for (const kind of ['rsa', 'ec'] as const) {
      const newkey =
        kind === 'rsa'
          ? ['-newkey', 'rsa:2048']
          : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
      const caKey = join(dir, `${kind}-ca.key`);
      const ca = join(dir, `${kind}-ca.crt`);
      openssl([
        'req',
        '-x509',
        ...newkey,
        '-nodes',
        '-keyout',
        caKey,
        '-out',
        ca,
        '-days',
        '30',
        '-subj',
        `/CN=OpenSSL ${kind} test CA`,
      ]);
      const key = join(dir, `${kind}.key`);
      const csr = join(dir, `${kind}.csr`);
      openssl(['req', ...newkey, '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
      const ext = join(dir, `${kind}.ext`);
      writeFileSync(
        ext,
        'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
      );
      const crt = join(dir, `${kind}.crt`);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        crt,
        '-days',
        '30',
        '-extfile',
        ext,
      ]);
      made[kind] = { ca, crt, key };
    }
  });

  async function withServer<T>(args: readonly string[], fn: (port: number) => Promise<T>): Promise<T> {
    const port = await freePort();
    const server = startOpenssl(['s_server', '-accept', String(port), '-www', ...args]);
    try {
      await waitForOutput(server.output, /ACCEPT/);
      return await fn(port);
    } finally {
      server.kill();
      await server.done;
    }
  }

  for (const kind of ['ec', 'rsa'] as const) {
    for (const version of ['1.3', '1.2'] as const) {
      it(`completes a TLS ${version} handshake and a request, ${kind.toUpperCase()} certificate made by openssl`, async () => {
        const m = made[kind];
        const r = await withServer(
          ['-cert', m.crt, '-key', m.key, version === '1.3' ? '-tls1_3' : '-tls1_2'],
          (port) => curlHttps({ url: `https://localhost:${port}/`, cacert: m.ca, verbose: true, tty: true }),
        );
        expect(r.stderr.join('\n')).toContain(`* SSL connection using TLSv${version} / `);
        expect(r.stderr).toContain('*  SSL certificate verify ok.');
        expect(r.exitCode).toBe(0);
        const page = new TextDecoder().decode(r.stdout);
        expect(page).toContain(`Protocol  : TLSv${version}`);
      });
    }
  }

  it('TLS 1.2 RSA key exchange (AES128-GCM-SHA256) with openssl', async () => {
    const m = made.rsa;
    const r = await withServer(
      ['-cert', m.crt, '-key', m.key, '-tls1_2', '-cipher', 'AES128-GCM-SHA256'],
      (port) =>
        curlHttps({
          url: `https://127.0.0.1:${port}/`,
          cacert: m.ca,
          ciphers: ['AES128-GCM-SHA256'],
          tlsMax: '1.2',
          verbose: true,
          tty: true,
        }),
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('* SSL connection using TLSv1.2 / AES128-GCM-SHA256');
    expect(r.stderr).toContain('*  subjectAltName: host "127.0.0.1" matched cert\'s IP address!');
    expect(new TextDecoder().decode(r.stdout)).toContain('Cipher    : AES128-GCM-SHA256');
  });

  it('refuses an unknown CA: curl exit 60, unknown_ca alert', async () => {
    const m = made.ec;
    const r = await withServer(['-cert', m.crt, '-key', m.key], (port) =>
      curlHttps({ url: `https://localhost:${port}/`, cacert: made.rsa.ca, verbose: true, tty: true }),
    );
    expect(r.exitCode).toBe(60);
    expect(r.stderr).toContain('* TLSv1.3 (OUT), TLS alert, unknown CA (560):');
    expect(r.stderr).toContain('curl: (60) SSL certificate problem: unable to get local issuer certificate');
  });

  it('refuses a wrong host name', async () => {
    const m = made.ec;
    const r = await withServer(['-cert', m.crt, '-key', m.key], (port) =>
      curlHttps({
        url: `https://wrong.test:${port}/`,
        resolve: [{ host: 'wrong.test', port, address: '127.0.0.1' }],
        cacert: m.ca,
      }),
    );
    expect(r.exitCode).toBe(60);
    expect(r.stderr[0]).toBe(
      "curl: (60) SSL: no alternative certificate subject name matches target host name 'wrong.test'",
    );
  });

  it('refuses an expired certificate', async () => {
    const pki = join(dir, 'expired-pki');
    pkiInit(pki);
    const old = pkiIssue(pki, ['localhost'], {
      notBefore: Math.floor(Date.now() / 1000) - 40 * DAY,
      days: 30,
    });
    const r = await withServer(['-cert', old.certFile, '-key', old.keyFile], (port) =>
      curlHttps({ url: `https://localhost:${port}/`, cacert: join(pki, 'ca.crt'), verbose: true, tty: true }),
    );
    expect(r.exitCode).toBe(60);
    expect(r.stderr).toContain('* TLSv1.3 (OUT), TLS alert, certificate expired (557):');
    expect(r.stderr).toContain('curl: (60) SSL certificate problem: certificate has expired');
  });
});

describe('serve https limits', () => {
  it('drops a client that connects and never says hello, after the handshake timeout', async () => {
    const dir = tempDir('netlab-https-timeout-');
    pkiInit(dir);
    const f = pkiIssue(dir, ['localhost']);
    const h = await serveHttps({
      port: 0,
      certFile: f.certFile,
      keyFile: f.keyFile,
      handler: () => ({ status: 204 }),
      handshakeTimeoutMs: 200,
    });
    try {
      const s = await connectNet('127.0.0.1', h.port);
      const started = Date.now();
      const end = await s.read().catch(() => null);
      expect(end).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(h.handshakes.failed).toBe(1);
    } finally {
      await h.close();
    }
  });
});
