import { defineMessages } from '../../i18n/define-messages.js';

/** The shell: clock, help overlay, keyboard shortcuts, the demo-data badge. */
export const shellMessages = defineMessages({
  'clock.zone': { 'zh-CN': '北京时间', en: 'Beijing time' },
  'help.title': { 'zh-CN': '键盘快捷键', en: 'Keyboard shortcuts' },
  'help.open': { 'zh-CN': '帮助', en: 'Help' },
  'shortcut.catalogue': { 'zh-CN': '打开或关闭图层目录', en: 'Open or close the layer catalogue' },
  'shortcut.home': { 'zh-CN': '回到全市视图', en: 'Back to the whole city' },
  'shortcut.role': { 'zh-CN': '切换到', en: 'Switch to' },
  'shortcut.language': { 'zh-CN': '切换语言', en: 'Switch language' },
  'shortcut.about': { 'zh-CN': '关于与数据来源', en: 'About and data sources' },
  'shortcut.help': { 'zh-CN': '显示或关闭本帮助', en: 'Show or hide this help' },
  'synthetic.badge': { 'zh-CN': '演示数据', en: 'Demo data' },
  'shortcut.lock': { 'zh-CN': '锁屏（需密码解锁）', en: 'Lock the screen (the password unlocks it)' },
  'shortcut.settings': { 'zh-CN': '设置（大屏布局与场景）', en: 'Settings (wall layout and scenes)' },
  'header.more': { 'zh-CN': '更多', en: 'More' },
});
