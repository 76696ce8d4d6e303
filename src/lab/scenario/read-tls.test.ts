/**
 * HTTPS in scenario files: `web[].tls` and the top-level `pki:` resolve to plain data,
 * the network serves TLS with a certificate that says what the file says, and every
 * mistake is reported at its line and column with a suggestion where one fits.
 */
import { describe, expect, it } from 'vitest';
import { formatName } from '../../application/pki/name.ts';
import { Network } from '../network.ts';
import { parseScenario } from './parse-scenario.ts';
import { parseSignedDuration } from './read-tls.ts';
import { problemLines, LAPTOP_WWW as TOPOLOGY, yaml } from './test-helpers.ts';

describe('web[].tls and pki:', () => {
  it('resolves to plain data: port 443 by default, validity relative to the start, the redirect port', () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki:',
      '  cas:',
      '    - { name: Shady Private CA, trusted_by: [laptop] }',
      'web:',
      '  - server: www',
      '    tls: { names: [www.example.com, "*.example.com", 10.0.0.80], redirect_http: true }',
      '    files: { /index.html: hi }',
      '  - server: www',
      '    port: 8443',
      '    tls: { names: [www.example.com], issuer: Shady Private CA, valid_from: -100d, valid_for: 12h, key: rsa }',
      '    files: { /index.html: hi }',
    );
    const { spec, warnings } = parseScenario(text, 'tls.yaml');
    expect(warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec.pki).toEqual({ cas: [{ name: 'Shady Private CA', trustedBy: ['laptop'] }] });
    expect(spec.web!.map((w) => [w.port, w.tls, w.redirectHttp])).toEqual([
      [
        443,
        {
          names: ['www.example.com', '*.example.com', '10.0.0.80'],
          validFrom: 0,
          validFor: 90 * 86400,
          key: 'ec',
        },
        80,
      ],
      [
        8443,
        {
          names: ['www.example.com'],
          issuer: 'Shady Private CA',
          validFrom: -100 * 86400,
          validFor: 12 * 3600,
          key: 'rsa',
        },
        undefined,
      ],
    ]);
  });

  it('reports every mistake at its line and column', () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki:',
      '  cas:',
      '    - { name: Netlab Root CA }', // 9: taken by the lab
      '    - { name: Mine, trusted_by: [lptop, sw1] }', // 10
      'web:',
      '  - server: www',
      '    tls: { names: [www.example.com], issuer: Mne }', // 13
      '    files: { /a: x }',
      '  - server: www',
      '    port: 8443',
      '    tls: { names: ["bad name!"], valid_for: -3d, valid_from: soon, key: dsa, redirect: true }', // 17
      '    files: { /a: x }',
      '  - server: www',
      '    port: 80',
      '    tls: { names: [x.test], redirect_http: true }', // 21
      '    files: { /a: x }',
      '  - server: www',
      '    tls: {}', // 24
      '    files: { /a: x }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:9:15: name: 'Netlab Root CA' is already a CA of the lab; give each CA its own name",
      "t.yaml:10:34: trusted_by: no node named 'lptop' (did you mean 'laptop'?)",
      't.yaml:10:41: trusted_by: sw1 is a switch; only hosts and routers speak TLS',
      // pki.cas had errors, so only the lab's CAs are known here.
      "t.yaml:13:46: issuer: no CA named 'Mne'; the CAs are: Netlab TLS Issuing CA 1, Netlab Root CA, Simulated Global Trust Root R2, Netlab Legacy Root (add your own under pki.cas)",
      "t.yaml:17:20: names: 'bad name!' is neither a DNS name (such as www.example.com or *.example.com) nor an IPv4 address",
      "t.yaml:17:45: valid_for: expected a positive duration such as 90d, 12h or 3600 (seconds), got '-3d'",
      "t.yaml:17:62: valid_from: expected a time relative to the scenario's start such as 0, -100d (expired by then if valid_for is shorter) or 30d (not yet valid), got 'soon'",
      "t.yaml:17:73: key: expected one of ec, rsa, got 'dsa' (did you mean 'rsa'?)",
      "t.yaml:17:78: unknown key 'redirect' in tls; expected one of: names, issuer, valid_from, valid_for, key, redirect_http, versions, suites, client_auth, client_ca",
      't.yaml:20:11: port: 80 is where redirect_http answers; serve HTTPS on another port (443)',
      "t.yaml:24:10: tls needs 'names': the host names the certificate is for, such as [www.example.com]",
    ]);
  });

  it('versions, suites and client_auth: what the server accepts, as plain data', () => {
    const text = yaml(
      ...TOPOLOGY,
      'web:',
      '  - server: www',
      '    tls: { names: [www], key: rsa, versions: [1.2], suites: [TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256] }',
      '    files: { /a: x }',
      '  - server: www',
      '    port: 8443',
      '    tls: { names: [www], versions: ["1.3", TLSv1.2], suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], client_auth: require }',
      '    files: { /a: x }',
    );
    const { spec, warnings } = parseScenario(text, 'tls.yaml');
    expect(warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec.web!.map((w) => w.tls)).toEqual([
      {
        names: ['www'],
        validFrom: 0,
        validFor: 90 * 86400,
        key: 'rsa',
        versions: ['1.2'],
        suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
      },
      {
        names: ['www'],
        validFrom: 0,
        validFor: 90 * 86400,
        key: 'ec',
        versions: ['1.3', '1.2'],
        suites: ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
        clientAuth: 'require',
        // Whose client certificates it accepts: by default the lab's issuing CA.
        clientCa: 'Netlab TLS Issuing CA 1',
      },
    ]);
  });

  it('reports a version or suite the server could never use, with a suggestion', () => {
    const text = yaml(
      ...TOPOLOGY,
      'web:',
      '  - server: www',
      '    tls: { names: [www], versions: [1.1, 2], suites: [TLS_AES_128_GCM_SHA265, AES128-GCM-SHA256, tls_aes_128_gcm_sha256] }', // 9
      '    files: { /a: x }',
      '  - server: www',
      '    port: 8443',
      '    tls: { names: [www], suites: [TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256], client_auth: always }', // 13
      '    files: { /a: x }',
      '  - server: www',
      '    port: 9443',
      '    tls: { names: [www], versions: [1.3, 1.2], suites: [TLS_AES_256_GCM_SHA384] }', // 17
      '    files: { /a: x }',
      '  - server: www',
      '    port: 10443',
      '    tls: { names: [www], suites: [] }', // 21
      '    files: { /a: x }',
    );
    expect(problemLines(text)).toEqual([
      't.yaml:9:37: versions: TLS 1.1 is not spoken here (RFC 8996 deprecates TLS 1.0 and 1.1); use 1.2 and 1.3',
      't.yaml:9:42: versions: expected 1.2 or 1.3, got 2',
      "t.yaml:9:55: suites: netlab has no cipher suite 'TLS_AES_128_GCM_SHA265' (did you mean 'TLS_AES_128_GCM_SHA256'?)",
      "t.yaml:9:79: suites: 'AES128-GCM-SHA256' is OpenSSL's name; write IANA's, TLS_RSA_WITH_AES_128_GCM_SHA256 (what Wireshark and the RFCs print)",
      't.yaml:9:98: suites: cipher suite names are upper case: TLS_AES_128_GCM_SHA256',
      "t.yaml:13:106: client_auth: expected one of request, require, got 'always'",
      't.yaml:17:36: versions: the server speaks TLS 1.2 but lists no TLS 1.2 suite, so every TLS 1.2 handshake would fail; add a TLS 1.2 suite to suites, or leave 1.2 out of versions',
      't.yaml:21:34: suites: expected a list of cipher suites such as [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], got an empty list',
    ]);
  });

  it("reports a TLS 1.2 suite that does not fit the certificate's key", () => {
    const text = yaml(
      ...TOPOLOGY,
      'web:',
      '  - server: www',
      '    tls: { names: [www], suites: [TLS_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] }', // 9
      '    files: { /a: x }',
      '  - server: www',
      '    port: 8443',
      '    tls: { names: [www], key: rsa, versions: [1.2], suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384] }', // 13
      '    files: { /a: x }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:9:59: suites: TLS_RSA_WITH_AES_128_GCM_SHA256 needs an RSA certificate (key: rsa), and this server's key is ec",
      "t.yaml:9:92: suites: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 needs an RSA certificate (key: rsa), and this server's key is ec",
      "t.yaml:13:62: suites: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 needs an ECDSA certificate (key: ec), and this server's key is rsa",
    ]);
  });

  it("suggests the scenario's own CA for a misspelt issuer", () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki: { cas: [{ name: Shady Private CA }] }',
      'web: [{ server: www, tls: { names: [www], issuer: Shady Privat CA }, files: { /a: x } }]',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:8:51: issuer: no CA named 'Shady Privat CA' (did you mean 'Shady Private CA'?)",
    ]);
  });

  it('a redirect on port 80 conflicts with a plain server there', () => {
    const text = yaml(
      ...TOPOLOGY,
      'web:',
      '  - { server: www, files: { /a: x } }',
      '  - { server: www, tls: { names: [www], redirect_http: true }, files: { /a: x } }',
    );
    expect(problemLines(text)).toEqual(['t.yaml:9:15: www already runs a web server on port 80 (web[0])']);
  });

  it('signed durations take days, hours, minutes and seconds', () => {
    expect(
      ['-100d', '+1h', '90d', '30min', 3600, '1.5d', 'x', '-'].map((v) => parseSignedDuration(v)),
    ).toEqual([-8_640_000, 3600, 7_776_000, 1800, 3600, 129_600, undefined, undefined]);
  });

  it('the network issues each certificate as written, from the right CA, with the same bytes for the same seed', () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki:',
      '  cas: [{ name: Shady Private CA }]',
      'web:',
      '  - { server: www, tls: { names: [www.example.com] }, files: { /a: x } }',
      '  - { server: www, port: 8443, tls: { names: [www.example.com], issuer: Shady Private CA, valid_from: -100d }, files: { /a: x } }',
    );
    const spec = parseScenario(text, 'tls.yaml').spec;
    const a = new Network(spec);
    const b = new Network(spec);
    const site = a.pki.site(spec.web![0]!.tls!);
    expect(formatName(site.chain[0]!.subject)).toBe('CN = www.example.com');
    expect(formatName(site.chain[0]!.issuer)).toContain('Netlab TLS Issuing CA 1');
    expect(site.chain[0]!.notBefore).toBe(a.pki.epoch);
    const shady = a.pki.site(spec.web![1]!.tls!);
    expect(formatName(shady.chain[0]!.issuer)).toBe('CN = Shady Private CA');
    expect(shady.chain[0]!.notAfter).toBe(a.pki.epoch - 10 * 86400);
    expect(b.pki.site(spec.web![0]!.tls!).chain[0]!.der).toEqual(site.chain[0]!.der);
    // Only the nodes listed trust a scenario's CA; everyone trusts the lab's roots.
    expect(a.pki.trustFor('laptop').contains(a.pki.ca('Shady Private CA').certificate)).toBe(false);
    expect(a.pki.trustFor('laptop').contains(a.pki.web.netlabRoot.certificate)).toBe(true);
  });
});
