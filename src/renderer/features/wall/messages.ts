import { defineMessages } from '../../i18n/define-messages.js';

/** Wall scenes and per-window state. */
export const wallMessages = defineMessages({
  'scene.label': { 'zh-CN': '场景', en: 'Scene' },
  'scene.apply': { 'zh-CN': '切换场景', en: 'Switch scene' },
  'scene.emergencyFor': { 'zh-CN': '预案', en: 'Plan' },
  'scene.appliedBy': { 'zh-CN': '切换', en: 'Switched by' },
  'scene.system': { 'zh-CN': '系统', en: 'system' },
  'window.screenInvalid': { 'zh-CN': '地址中的 ?screen= 参数无效（只能是 1–32 个字母、数字、“-”或“_”），此窗口的布局不会保存：', en: 'The ?screen= parameter in the address is invalid (1–32 letters, digits, "-" or "_"), so this window\'s layout will not be saved:' },
  'window.saveFailed': { 'zh-CN': '窗口状态未保存', en: 'Window state not saved' },
});
