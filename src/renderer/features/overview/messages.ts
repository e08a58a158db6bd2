import { defineMessages } from '../../i18n/define-messages.js';

/** The headline figures (KPI bar). */
export const overviewMessages = defineMessages({
  'kpi.alarms': { 'zh-CN': '告警', en: 'Alarms' },
  'kpi.warnings': { 'zh-CN': '预警', en: 'Warnings' },
  'kpi.openIncidents': { 'zh-CN': '未结事件', en: 'Open incidents' },
  'kpi.crewsOnDuty': { 'zh-CN': '在岗队伍', en: 'Crews on duty' },
  'kpi.vehiclesActive': { 'zh-CN': '在线车辆', en: 'Vehicles active' },
});
