import type { Language } from '../../shared/domain/settings.js';

/** Forms of a counted text by CLDR plural category (Intl.PluralRules); `other` is the fallback every language has. */
export type PluralForms = { readonly [Category in Exclude<Intl.LDMLPluralRule, 'other'>]?: string } & { readonly other: string };

/** One language's text: plain, or plural forms chosen by the `count` parameter. `{name}` marks a parameter. */
export type MessageText = string | PluralForms;

/** A message in both languages side by side, so a translation cannot drift away from its source. */
export type Message = { readonly [L in Language]: MessageText };

export type MessageTable = { readonly [key: string]: Message };

/** Keeps each text as a literal type, so its `{parameters}` are known to the compiler. */
export function defineMessages<const Table extends MessageTable>(table: Table): Table {
  return table;
}

type PlaceholdersOfString<Text> = Text extends `${string}{${infer Name}}${infer Rest}` ? Name | PlaceholdersOfString<Rest> : never;

type PlaceholdersOfText<Text> = Text extends string
  ? PlaceholdersOfString<Text>
  : Text extends PluralForms
    ? 'count' | PlaceholdersOfString<Text[keyof Text]>
    : never;

/** The parameter names of a message in either language (the catalogue test checks both name the same ones). */
export type PlaceholdersOf<M> = M extends Message ? PlaceholdersOfText<M['zh-CN']> | PlaceholdersOfText<M['en']> : never;

/** `count` chooses a plural form, so it must be a number; other parameters may be text or numbers. */
export type ParamsOf<M> = { readonly [Name in PlaceholdersOf<M>]: Name extends 'count' ? number : string | number };

/** No second argument for a message without parameters; an object with exactly its parameters otherwise. */
export type ParamsArgument<M> = [PlaceholdersOf<M>] extends [never] ? [] : [params: ParamsOf<M>];

export type MessageParams = Readonly<Record<string, string | number>>;

const placeholder = /\{(\w+)\}/g;

/** The `{parameter}` names a text uses, in every plural form. */
export function placeholdersOf(text: MessageText): Set<string> {
  const forms = typeof text === 'string' ? [text] : Object.values(text).filter((form): form is string => form !== undefined);
  const names = new Set<string>(typeof text === 'string' ? [] : ['count']);
  for (const form of forms) for (const match of form.matchAll(placeholder)) names.add(match[1] ?? '');
  return names;
}

const pluralRules = new Map<Language, Intl.PluralRules>();
const numberFormats = new Map<Language, Intl.NumberFormat>();

function cached<V>(cache: Map<Language, V>, language: Language, make: () => V): V {
  const existing = cache.get(language);
  if (existing) return existing;
  const made = make();
  cache.set(language, made);
  return made;
}

/** Picks the plural form for `count` and fills in parameters; numbers are written the language's way (1,000). */
export function formatMessage(language: Language, text: MessageText, params: MessageParams = {}): string {
  let chosen: string;
  if (typeof text === 'string') chosen = text;
  else {
    const count = params['count'];
    if (typeof count !== 'number') throw new TypeError('A plural message needs a numeric count');
    const category = cached(pluralRules, language, () => new Intl.PluralRules(language)).select(count);
    chosen = (category === 'other' ? undefined : text[category]) ?? text.other;
  }
  return chosen.replace(placeholder, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? cached(numberFormats, language, () => new Intl.NumberFormat(language)).format(value) : value;
  });
}
