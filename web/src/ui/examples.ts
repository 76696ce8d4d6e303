/** The example scenarios, bundled into the app as text (so the lab works offline). */
const files = import.meta.glob('../../../examples/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export interface Example {
  readonly name: string;
  readonly fileName: string;
  readonly text: string;
}

/** Every example, the tour and `default` first, the rest by name. */
export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, text]) => {
    const name = path.replace(/^.*\//, '').replace(/\.yaml$/, '');
    return { name, fileName: `examples/${name}.yaml`, text };
  })
  .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

function rank(name: string): number {
  return name === 'tour' ? 0 : name === 'default' ? 1 : 2;
}
