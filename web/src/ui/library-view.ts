/**
 * The scenario library and editor: every example with the concept it shows (in the
 * page's language), one click to load it; the YAML of the loaded scenario, editable, run
 * with the errors listed file:line:column (click one to go to it); open a file from disk,
 * download the edited one.
 */
import { parseScenario } from '../../../src/lab/scenario/index.ts';
import type { LabContext } from './context.ts';
import { download, h, replaceChildren } from './dom.ts';
import { EXAMPLES, type Example } from './examples.ts';
import { language, t } from './i18n.ts';
import { proseBlocks } from './prose.ts';

export class LibraryView {
  readonly element: HTMLElement;
  /** Loads scenario text into the lab; resolves with the problems when it does not parse. */
  onLoad: (text: string, fileName: string) => Promise<string[] | null> = async () => null;
  private readonly editor: HTMLTextAreaElement;
  private readonly problems: HTMLElement;
  private readonly about: HTMLElement;
  private fileName = 'scenario.yaml';

  constructor(ctx: LabContext) {
    this.editor = h('textarea', {
      class: 'editor',
      spellcheck: false,
      'aria-label': t('lib.editor'),
      wrap: 'off',
    });
    this.problems = h('ul', { class: 'problems', 'aria-live': 'polite' });
    this.about = h('div', { class: 'about' });
    const list = h(
      'ul',
      { class: 'examples', 'aria-label': t('lib.examples') },
      EXAMPLES.map((ex) =>
        h(
          'li',
          null,
          h(
            'button',
            { type: 'button', class: 'example', 'data-example': ex.name, onclick: () => this.describe(ex) },
            h('strong', null, ex.name),
            h('span', null, firstSentence(describeExample(ex))),
          ),
        ),
      ),
    );
    const file = h('input', {
      type: 'file',
      accept: '.yaml,.yml,text/yaml',
      class: 'visually-hidden',
      id: 'open-file',
    });
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      if (!f) return;
      this.fileName = f.name;
      this.editor.value = await f.text();
      file.value = '';
      await this.run();
    });
    this.element = h(
      'div',
      { class: 'library' },
      h(
        'section',
        { class: 'lib-list', 'aria-label': t('lib.examples') },
        h('h2', null, t('lib.examples')),
        list,
      ),
      this.about,
      h(
        'section',
        { class: 'lib-editor', 'aria-label': t('lib.editor') },
        h(
          'div',
          { class: 'lib-toolbar' },
          h('h2', null, t('lib.editor')),
          h('button', { type: 'button', class: 'primary', onclick: () => void this.run() }, t('lib.run')),
          h(
            'label',
            {
              for: 'open-file',
              class: 'button',
              role: 'button',
              tabindex: 0,
              onkeydown: (e: KeyboardEvent) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                file.click();
              },
            },
            t('lib.open'),
          ),
          file,
          h(
            'button',
            { type: 'button', onclick: () => download(this.fileName, [this.editor.value], 'text/yaml') },
            t('lib.downloadYaml'),
          ),
        ),
        this.editor,
        this.problems,
      ),
    );
    const current = EXAMPLES.find((e) => e.name === ctx.scenario?.name) ?? EXAMPLES[0];
    if (current) this.describe(current, false);
  }

  /** Shows the loaded scenario's text in the editor. */
  setSource(text: string, fileName: string): void {
    this.editor.value = text;
    this.fileName = fileName.replace(/^.*\//, '');
    this.problems.replaceChildren();
  }

  private describe(ex: Example, focus = true): void {
    const text = describeExample(ex);
    const open = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: async () => {
          this.setSource(ex.text, ex.fileName);
          await this.run(ex.fileName);
        },
      },
      t('lib.load', { name: ex.name }),
    );
    replaceChildren(this.about, h('h2', null, ex.name), proseBlocks(text), open);
    for (const b of this.element?.querySelectorAll('.example') ?? []) {
      b.setAttribute('aria-current', String((b as HTMLElement).dataset.example === ex.name));
    }
    if (focus) open.focus();
  }

  private async run(fileName = this.fileName): Promise<void> {
    const problems = await this.onLoad(this.editor.value, fileName);
    if (!problems) {
      replaceChildren(this.problems, h('li', { class: 'ok' }, t('lib.loaded')));
      return;
    }
    replaceChildren(
      this.problems,
      problems.map((p) => {
        const m = /:(\d+):(\d+):/.exec(p);
        return h(
          'li',
          { class: 'problem' },
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              onclick: () => m && this.goTo(Number(m[1]), Number(m[2])),
            },
            p,
          ),
        );
      }),
    );
  }

  private goTo(line: number, column: number): void {
    const lines = this.editor.value.split('\n');
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i]!.length + 1;
    at += Math.max(0, column - 1);
    this.editor.focus();
    this.editor.setSelectionRange(at, at);
    const lineHeight = 18;
    this.editor.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }
}

const cache = new Map<string, { en: string; ko: string }>();

function describeExample(ex: Example): string {
  let d = cache.get(ex.name);
  if (!d) {
    try {
      const { spec } = parseScenario(ex.text, ex.fileName);
      d = { en: spec.description, ko: spec.descriptionKo };
    } catch {
      d = { en: '', ko: '' };
    }
    cache.set(ex.name, d);
  }
  return (language() === 'ko' && d.ko) || d.en;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?。])(\s|$)/.exec(flat);
  const s = m ? m[1]! : flat;
  return s.length > 140 ? `${s.slice(0, 139)}…` : s;
}
