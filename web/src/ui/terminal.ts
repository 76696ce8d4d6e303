/**
 * A node's terminal: the same shell scenario scripts use, typed into. Output is the node's
 * console — everything printed on that node, by the script or by commands typed here —
 * in a plain text log a screen reader can read. ↑/↓ walk the history, Tab completes a
 * command name, Ctrl-C interrupts the command last started here (as SIGINT would: ping
 * prints its statistics), Ctrl-L clears the screen.
 */
import type { OutputLine } from '../../../src/tools/shell/shell.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';
import * as fmt from './format.ts';

const MAX_LINES = 5000;

export class Terminal {
  readonly element: HTMLElement;
  onCommand: (line: string) => void = () => {};
  onInterrupt: () => void = () => {};
  private readonly log: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly history: string[] = [];
  private historyAt = 0;
  private lines = 0;

  constructor(
    readonly node: string,
    /** Command names the shell knows, for Tab completion. */
    private readonly commands: readonly string[],
  ) {
    this.log = h('pre', {
      class: 'terminal-log',
      'aria-live': 'polite',
      'aria-label': t('terminal.output', { node }),
    });
    this.input = h('input', {
      class: 'terminal-input',
      type: 'text',
      spellcheck: false,
      autocomplete: 'off',
      'aria-label': t('terminal.input', { node }),
      placeholder: t('terminal.placeholder'),
      onkeydown: (e: KeyboardEvent) => this.key(e),
    });
    this.element = h(
      'div',
      { class: 'terminal', onclick: (e: MouseEvent) => e.target === this.element && this.input.focus() },
      this.log,
      h('label', { class: 'terminal-prompt' }, h('span', { 'aria-hidden': 'true' }, `${node}$`), this.input),
    );
  }

  focus(): void {
    this.input.focus();
  }

  /** Shows the newest lines (after the terminal is put back on screen). */
  scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** Lines printed on this terminal's node. */
  write(lines: readonly OutputLine[]): void {
    if (lines.length === 0) return;
    const stick = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
    const frag = document.createDocumentFragment();
    for (const l of lines) {
      const time = h('span', { class: 'terminal-time' }, `[${fmt.seconds(l.time).replace(' s', '')}] `);
      const text = l.stream === 'cmd' ? `$ ${l.text}` : l.text;
      frag.append(h('div', { class: `terminal-line ${l.stream}` }, time, text));
      this.lines++;
    }
    this.log.append(frag);
    while (this.lines > MAX_LINES && this.log.firstChild) {
      this.log.firstChild.remove();
      this.lines--;
    }
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  private key(e: KeyboardEvent): void {
    const input = this.input;
    if (e.key === 'Enter') {
      const line = input.value;
      input.value = '';
      if (line.trim() === '') return;
      if (this.history[this.history.length - 1] !== line) this.history.push(line);
      this.historyAt = this.history.length;
      this.onCommand(line);
    } else if (e.key === 'c' && e.ctrlKey) {
      e.preventDefault();
      this.onInterrupt();
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault();
      this.log.replaceChildren();
      this.lines = 0;
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (this.historyAt > 0) input.value = this.history[--this.historyAt] ?? '';
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (this.historyAt < this.history.length) input.value = this.history[++this.historyAt] ?? '';
    } else if (e.key === 'Tab' && input.value !== '' && !input.value.includes(' ')) {
      const match = this.commands.filter((c) => c.startsWith(input.value));
      if (match.length === 1) {
        e.preventDefault();
        input.value = `${match[0]} `;
      }
    }
  }
}
