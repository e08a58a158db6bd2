import type { Language } from '../../shared/domain/settings.js';

/** The operator-intent layer's and the notices' text, Chinese and English side by side. */
export const intentMessages = {
  'intent.group.screens': { 'zh-CN': '屏幕', en: 'Screens' },
  'intent.group.shell': { 'zh-CN': '通用', en: 'General' },
  'intent.group.map': { 'zh-CN': '态势地图', en: 'Map' },
  'intent.group.video': { 'zh-CN': '视频墙', en: 'Video wall' },
  'intent.group.ptz': { 'zh-CN': '云台（聚焦的画面）', en: 'PTZ (on a focused tile)' },
  'intent.group.wall': { 'zh-CN': '大屏联动', en: 'The wall' },
  'intent.group.dispatch': { 'zh-CN': '融合调度', en: 'Dispatch' },
  'intent.group.plans': { 'zh-CN': '预案', en: 'Plans' },
  'intent.help.action': { 'zh-CN': '操作', en: 'Action' },
  'intent.help.shortcut': { 'zh-CN': '快捷键', en: 'Shortcut' },
  'intent.help.state': { 'zh-CN': '当前', en: 'Now' },
  'intent.help.available': { 'zh-CN': '可用', en: 'Available' },
  'intent.help.fromView': { 'zh-CN': '在界面上操作', en: 'From the screen' },
  'intent.action.closeOverlay': { 'zh-CN': '关闭对话框', en: 'Close the dialog' },
  'intent.action.closeDetail': { 'zh-CN': '关闭对象详情', en: 'Close the object’s details' },
  'intent.action.backToGrid': { 'zh-CN': '单画面返回宫格', en: 'Back from one tile to the grid' },
  'intent.action.ptzUp': { 'zh-CN': '云台上仰（按住）', en: 'Tilt up (hold)' },
  'intent.action.ptzDown': { 'zh-CN': '云台下俯（按住）', en: 'Tilt down (hold)' },
  'intent.action.ptzLeft': { 'zh-CN': '云台左转（按住）', en: 'Pan left (hold)' },
  'intent.action.ptzRight': { 'zh-CN': '云台右转（按住）', en: 'Pan right (hold)' },
  'intent.action.ptzZoomIn': { 'zh-CN': '放大（按住）', en: 'Zoom in (hold)' },
  'intent.action.ptzZoomOut': { 'zh-CN': '缩小（按住）', en: 'Zoom out (hold)' },
  'intent.action.ptzHome': { 'zh-CN': '云台回到原位', en: 'PTZ home position' },
  'intent.action.acknowledgeAlarm': { 'zh-CN': '确认弹出的告警', en: 'Acknowledge the alarm pop-up' },
  'intent.action.playCamera': { 'zh-CN': '在视频墙上播放摄像头', en: 'Play a camera on the video wall' },
  'intent.action.focusIncident': { 'zh-CN': '聚焦事件（所有窗口）', en: 'Focus an incident (every window)' },
  'intent.action.applyScene': { 'zh-CN': '切换场景', en: 'Switch scene' },
  'intent.action.callCrew': { 'zh-CN': '呼叫一线班组', en: 'Call a crew' },
  'intent.action.launchPlan': { 'zh-CN': '启动预案', en: 'Launch a plan' },
  'intent.why.signedOut': { 'zh-CN': '请先登录', en: 'sign in first' },
  'intent.why.viewOnly': { 'zh-CN': '大屏终端仅供查看', en: 'a wall screen only views' },
  'intent.why.locked': { 'zh-CN': '屏幕已锁定', en: 'the screen is locked' },
  'intent.why.role': { 'zh-CN': '您的角色无此权限', en: 'your roles do not allow it' },
  'intent.why.notHere': { 'zh-CN': '当前画面不可用', en: 'not on this screen now' },
  'intent.why.noAlarm': { 'zh-CN': '没有待确认的告警', en: 'no alarm is waiting' },
  'intent.noVideoWindow': { 'zh-CN': '没有打开的视频墙窗口', en: 'no video wall window is open' },
  'notices.label': { 'zh-CN': '本窗口的提示', en: 'Notices for this window' },
  'notices.dismiss': { 'zh-CN': '关闭提示', en: 'Dismiss' },
} as const satisfies Record<string, Record<Language, string>>;

export type IntentMessageKey = keyof typeof intentMessages;

/** One language's column, to merge into the message tables. */
export function intentMessagesIn(language: Language): Record<IntentMessageKey, string> {
  return Object.fromEntries(Object.entries(intentMessages).map(([key, text]) => [key, text[language]])) as Record<IntentMessageKey, string>;
}
