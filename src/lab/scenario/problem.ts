/**
 * Problems found in a scenario file, and the error that carries them.
 *
 * Validation never stops at the first mistake: every problem is collected with its file,
 * line and column, then reported together, sorted by position, one per line in the form
 * compilers use (`star.yaml:12:5: link endpoint 'h9' names no node`), which editors and
 * terminals turn into links. Warnings (`... warning: ...`) do not stop the scenario; they
 * are returned alongside the spec.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Where in the document: `topology.links[2].endpoints[0]`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly severity: Severity;
}

/** A position in the source, 1-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** `star.yaml:12:5: message` or `star.yaml:12:5: warning: message`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Thrown by `parseScenario` when the file has at least one error. */
export class ScenarioError extends NetlabError {
  /** Every error and warning, sorted by position. */
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    const file = problems[0]?.file ?? 'scenario';
    super(
      'scenario-invalid',
      `${file}: ${errors} error${errors === 1 ? '' : 's'}\n${problems.map(formatProblem).join('\n')}`,
      { problems },
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** Collects problems for one file. */
export class ProblemList {
  private readonly items: Problem[] = [];

  constructor(readonly file: string) {}

  error(at: Position, path: string, message: string): void {
    this.items.push({ file: this.file, line: at.line, column: at.column, path, message, severity: 'error' });
  }

  warning(at: Position, path: string, message: string): void {
    this.items.push({
      file: this.file,
      line: at.line,
      column: at.column,
      path,
      message,
      severity: 'warning',
    });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  get errorCount(): number {
    return this.items.filter((p) => p.severity === 'error').length;
  }

  /** All problems sorted by position (stable, so same-place problems keep their order). */
  sorted(): Problem[] {
    return this.items
      .map((p, i) => ({ p, i }))
      .sort((a, b) => a.p.line - b.p.line || a.p.column - b.p.column || a.i - b.i)
      .map(({ p }) => p);
  }
}
