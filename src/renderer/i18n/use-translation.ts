import { useContext } from 'react';
import type { Language } from '../../shared/domain/settings.js';
import { createStore, useStore } from '../state/store.js';
import { AppModelContext } from '../state/app-model.js';
import { translate, type MessageKey } from './messages.js';

/** Pages without the console's state (the crew terminal) speak the browser's language: Chinese unless it asks for another. */
const browserLanguage = createStore<{ language: Language }>({ language: /^en\b/i.test(navigator.language) ? 'en' : 'zh-CN' });

export function useTranslation(): (key: MessageKey) => string {
  const model = useContext(AppModelContext);
  const language = useStore(model?.settings ?? browserLanguage, (settings) => settings.language);
  return (key) => translate(language, key);
}
