import { defineMessages } from '../../i18n/define-messages.js';

/** The tour window that shows screens in turn. */
export const tourMessages = defineMessages({
  'tour.title': { 'zh-CN': '轮巡', en: 'Tour' },
  'tour.next': { 'zh-CN': '下一屏', en: 'Next' },
  'tour.badUrl': { 'zh-CN': '轮巡地址有误，轮巡未开始：', en: 'The tour address is wrong; the tour has not started:' },
  'tour.example': { 'zh-CN': '示例', en: 'Example' },
  'tour.problem.roles-missing': { 'zh-CN': '缺少 roles 参数（依次显示的屏幕，如 roles=map,video）', en: 'roles is missing (the screens to show in turn, e.g. roles=map,video)' },
  'tour.problem.role-unknown': { 'zh-CN': '未知的屏幕（可用 map、video、dispatch、plans）', en: 'unknown screen (use map, video, dispatch, plans)' },
  'tour.problem.too-many-stops': { 'zh-CN': '屏幕过多（最多 12 个）', en: 'too many screens (at most 12)' },
  'tour.problem.dwell-invalid': { 'zh-CN': 'dwell 不是数字（每屏停留的秒数）', en: 'dwell is not a number (seconds per screen)' },
  'tour.problem.dwell-out-of-range': { 'zh-CN': 'dwell 须在 3 到 3600 秒之间', en: 'dwell must be between 3 and 3600 seconds' },
  'tour.problem.unknown-parameter': { 'zh-CN': '未知参数', en: 'unknown parameter' },
});
