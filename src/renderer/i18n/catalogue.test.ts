import { describe, expect, it } from 'vitest';
import { languages } from '../../shared/domain/settings.js';
import { messageTables, translate } from './catalogue.js';
import { placeholdersOf, type MessageText } from './define-messages.js';

const allEntries = Object.entries(messageTables).flatMap(([table, messages]) => Object.entries(messages).map(([key, message]) => ({ table, key, message })));

function formsOf(text: MessageText): string[] {
  return typeof text === 'string' ? [text] : Object.values(text).filter((form): form is string => form !== undefined);
}

describe('the message catalogue', () => {
  it('gives every key a non-empty text in every language', () => {
    const missing = allEntries.filter(({ message }) => languages.some((language) => formsOf(message[language]).some((form) => form.trim() === '')));
    expect(missing.map(({ key }) => key)).toEqual([]);
  });

  it('uses the same parameters in every language of a key', () => {
    const differing = allEntries
      .map(({ key, message }) => ({ key, byLanguage: languages.map((language) => [...placeholdersOf(message[language])].sort().join(',')) }))
      .filter(({ byLanguage }) => new Set(byLanguage).size > 1);
    expect(differing).toEqual([]);
  });

  it('defines each key in one feature table only', () => {
    const tablesByKey = new Map<string, string[]>();
    for (const { table, key } of allEntries) tablesByKey.set(key, [...(tablesByKey.get(key) ?? []), table]);
    expect([...tablesByKey].filter(([, tables]) => tables.length > 1)).toEqual([]);
  });
});

describe('translate', () => {
  it('fills in parameters, writing numbers the language’s way', () => {
    expect(translate('en', 'map.componentsLoading', { loaded: 3, total: 1200 })).toBe('Loading components: chunk 3/1,200');
    expect(translate('zh-CN', 'session.problem.too-many', { seconds: 8 })).toBe('失败次数过多，请 8 秒后再试。');
  });

  it('chooses the plural form by count', () => {
    expect(translate('en', 'video.alarmsWaiting', { count: 1 })).toBe('1 more alarm waiting');
    expect(translate('en', 'video.alarmsWaiting', { count: 2 })).toBe('2 more alarms waiting');
    expect(translate('zh-CN', 'video.alarmsWaiting', { count: 1 })).toBe('另有 1 个告警待处置');
  });
});
