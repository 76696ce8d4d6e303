/**
 * `pki.clients` and `web[].tls.client_ca`: client certificates issued to hosts, and whose a
 * server accepts — read into plain data, issued with extendedKeyUsage clientAuth only, and
 * every mistake reported at its line and column with a suggestion.
 */
import { describe, expect, it } from 'vitest';
import { formatName } from '../../application/pki/name.ts';
import { Oid } from '../../application/pki/oid.ts';
import { NODE_TLS } from '../../application/tls/node-tls.ts';
import { Network } from '../network.ts';
import { parseScenario } from './parse-scenario.ts';
import { problemLines, LAPTOP_WWW as TOPOLOGY, yaml } from './test-helpers.ts';

describe('pki.clients and client_ca', () => {
  it('reads client certificates and the CA a server accepts them from, as plain data', () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki:',
      '  cas: [{ name: Corp CA }]',
      '  clients:',
      '    - { name: alice, node: laptop }', // 10
      '    - { name: alice.old, node: laptop, issuer: Corp CA, valid_from: -100d, valid_for: 30d, key: rsa }',
      'web:',
      '  - { server: www, tls: { names: [www], client_auth: require, client_ca: Corp CA }, files: { /a: x } }',
    );
    const { spec, warnings } = parseScenario(text, 'mtls.yaml');
    expect(warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec.pki!.clients).toEqual([
      { name: 'alice', node: 'laptop', validFrom: 0, validFor: 90 * 86400, key: 'ec' },
      {
        name: 'alice.old',
        node: 'laptop',
        issuer: 'Corp CA',
        validFrom: -100 * 86400,
        validFor: 30 * 86400,
        key: 'rsa',
      },
    ]);
    expect(spec.web![0]!.tls).toMatchObject({ clientAuth: 'require', clientCa: 'Corp CA' });

    // The network issues them: CN=name, clientAuth only, no subjectAltName, from the CA named.
    const net = new Network(spec);
    const held = net.requireNode('laptop').requireService(NODE_TLS).clientCertificates;
    expect([...held.keys()]).toEqual(['alice', 'alice.old']);
    const alice = held.get('alice')!.chain;
    expect(alice.map((c) => formatName(c.subject))).toEqual([
      'CN = alice',
      'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
    ]);
    expect(alice[0]!.extKeyUsage).toEqual([Oid.clientAuth]);
    expect(alice[0]!.subjectAltNames ?? []).toEqual([]);
    const old = held.get('alice.old')!.chain;
    expect(formatName(old[0]!.issuer)).toBe('CN = Corp CA');
    expect(old[0]!.notAfter - old[0]!.notBefore).toBe(30 * 86400);
    expect(old[0]!.publicKey.kind).toBe('rsa');
    // The server holds none.
    expect(net.requireNode('www').requireService(NODE_TLS).clientCertificates.size).toBe(0);
  });

  it('reports every mistake at its line and column, with a suggestion', () => {
    const text = yaml(
      ...TOPOLOGY,
      'pki:',
      '  cas: [{ name: Corp CA }]',
      '  clients:',
      '    - { name: alice, node: laptp }', // 10
      '    - { name: bob, node: sw1 }',
      '    - { name: carol smith, node: laptop, issuer: Crop CA }',
      '    - { node: laptop, valid_for: never, key: dsa, sign: yes }',
      '    - { name: alice, node: laptop }',
      '    - { name: alice, node: laptop }', // 15
      '  client: []',
      'web:',
      '  - { server: www, tls: { names: [www], client_auth: request, client_ca: Netlab Rot CA }, files: { /a: x } }',
      '  - { server: www, port: 8443, tls: { names: [www], client_ca: Netlab Root CA }, files: { /a: x } }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:10:28: node: no node named 'laptp' (did you mean 'laptop'?)",
      't.yaml:11:26: node: sw1 is a switch; only hosts and routers speak TLS',
      "t.yaml:12:15: name: 'carol smith' must be one shell word (letters, digits, '.', '_', '@', '-'; at most 64), since curl --cert names it",
      "t.yaml:12:50: issuer: no CA named 'Crop CA' (did you mean 'Corp CA'?)",
      "t.yaml:13:7: a client certificate needs 'name': its subject's common name, such as alice",
      "t.yaml:13:34: valid_for: expected a positive duration such as 90d, 12h or 3600 (seconds), got 'never'",
      "t.yaml:13:46: key: expected one of ec, rsa, got 'dsa' (did you mean 'rsa'?)",
      "t.yaml:13:51: unknown key 'sign' in a client certificate; expected one of: name, node, issuer, valid_from, valid_for, key",
      "t.yaml:15:15: name: laptop already holds a client certificate named 'alice'; give each its own name",
      "t.yaml:16:3: unknown key 'client' in pki (did you mean 'clients'?)",
      "t.yaml:18:74: client_ca: no CA named 'Netlab Rot CA' (did you mean 'Netlab Root CA'?)",
      't.yaml:19:64: client_ca: says whose client certificates the server accepts, so it needs client_auth: request or require',
    ]);
  });
});
