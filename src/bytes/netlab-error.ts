/**
 * Errors thrown by netlab's APIs for misuse or impossible requests (bad configuration,
 * an unknown node name, an address that does not parse). Every one has a stable `code`
 * so callers and tests match on codes, never on message text.
 */
export class NetlabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'NetlabError';
  }
}
