import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Takes some options out of an entry point's arguments: their values, and the other arguments left as they were for
 * the next reader (the host options every entry point parses strictly). A value given as `--name value` or
 * `--name=value` is taken with its option.
 */
export function takeOptions(argv: readonly string[], options: OptionsConfig): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; rest: string[] } {
  const { values, tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in options)) continue;
    taken.add(token.index);
    if (token.value !== undefined && token.inlineValue === false) taken.add(token.index + 1);
  }
  return { values, rest: argv.filter((_, index) => !taken.has(index)) };
}
