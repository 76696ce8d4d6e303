/**
 * The hosts of the mutual-TLS command tests: alice holds a client certificate from the
 * lab's issuing CA (and an expired one, `old`), mallory one from a CA of his own, bob
 * none; `web` is the server. Each test adds the `web:` servers it needs.
 */
export const MUTUAL_TLS_HOSTS = `
topology:
  nodes:
    alice: { kind: host, ip: 10.0.0.10/24 }
    bob: { kind: host, ip: 10.0.0.11/24 }
    mallory: { kind: host, ip: 10.0.0.12/24 }
    web: { kind: host, ip: 10.0.0.80/24 }
    sw: { kind: switch }
  links: [[alice, sw], [bob, sw], [mallory, sw], [web, sw]]
pki:
  cas: [{ name: Shady Private CA }]
  clients:
    - { name: alice, node: alice }
    - { name: old, node: alice, valid_from: -100d, valid_for: 30d }
    - { name: mallory, node: mallory, issuer: Shady Private CA }
`;
