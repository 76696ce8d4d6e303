/** `node` or `node:interface`, as lab commands and scenario links name an end of a cable. */
export interface LinkRef {
  readonly node: string;
  readonly interface?: string;
}

export function parseLinkRef(word: string): LinkRef {
  const colon = word.indexOf(':');
  return colon < 0 ? { node: word } : { node: word.slice(0, colon), interface: word.slice(colon + 1) };
}
