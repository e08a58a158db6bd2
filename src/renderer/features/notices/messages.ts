import { defineMessages } from '../../i18n/define-messages.js';

/** The window's own notice strip. */
export const noticesMessages = defineMessages({
  'notices.label': { 'zh-CN': '本窗口的提示', en: 'Notices for this window' },
  'notices.dismiss': { 'zh-CN': '关闭提示', en: 'Dismiss' },
});
