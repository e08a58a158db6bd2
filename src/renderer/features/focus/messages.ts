import { defineMessages } from '../../i18n/define-messages.js';

/** The focused incident shared by every screen. */
export const focusMessages = defineMessages({
  'focus.incidents': { 'zh-CN': '事件（点选后全部屏幕联动）', en: 'Incidents (choose one: every screen follows)' },
  'focus.title': { 'zh-CN': '当前聚焦事件', en: 'Incident in focus' },
});
