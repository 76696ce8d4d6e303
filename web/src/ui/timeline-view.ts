/**
 * The timeline: what every command printed, in order, stamped with simulated time — the
 * CLI's output (`netlab run`), in the page.
 */
import type { OutputLine } from '../../../src/tools/shell/shell.ts';
import { timelineLine } from '../../../src/lab/run/timeline.ts';
import type { LabContext } from './context.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';

const MAX = 20_000;

export class TimelineView {
  readonly element: HTMLElement;
  private readonly log: HTMLElement;
  private width = 3;
  private count = 0;

  constructor(private readonly ctx: LabContext) {
    this.log = h('pre', { class: 'timeline-log', tabindex: 0, 'aria-label': t('timeline.label') });
    this.element = h('div', { class: 'timeline' }, this.log);
  }

  reset(): void {
    this.width = Math.max(3, ...(this.ctx.topology?.nodes.map((n) => n.name.length) ?? [3]));
    this.log.replaceChildren();
    this.count = 0;
    this.write(this.ctx.timeline);
  }

  write(lines: readonly OutputLine[]): void {
    if (lines.length === 0) return;
    const stick = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
    const frag = document.createDocumentFragment();
    for (const l of lines) {
      frag.append(h('div', { class: l.stream }, timelineLine(l, this.width)));
      this.count++;
    }
    this.log.append(frag);
    while (this.count > MAX && this.log.firstChild) {
      this.log.firstChild.remove();
      this.count--;
    }
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }
}
