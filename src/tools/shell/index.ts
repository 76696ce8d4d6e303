/** The command-line layer shared by scenario scripts, the CLI and the web lab's terminals. */
export {
  choiceValue,
  durationValue,
  integerValue,
  LONG_MAX,
  numberValue,
  stringValue,
} from './option-values.ts';
export {
  type OptionDef,
  type OptionsSpec,
  type ParsedOptions,
  type ParseOptionsResult,
  parseOptions,
  type ValueResult,
} from './options.ts';
export { formatCommandLine, MAX_COMMAND_LINE_LENGTH, quoteWord, tokenize } from './tokenize.ts';
