import { defineMessages } from '../../i18n/define-messages.js';

/** The host and backend connection indicator. */
export const connectionMessages = defineMessages({
  'connection.host': { 'zh-CN': '主机', en: 'Host' },
  'connection.backend': { 'zh-CN': '指挥中心后端', en: 'Command-centre backend' },
  'connection.connecting': { 'zh-CN': '连接中', en: 'connecting' },
  'connection.connected': { 'zh-CN': '已连接', en: 'connected' },
  'connection.disconnected': { 'zh-CN': '已断开', en: 'disconnected' },
  'connection.incompatible': { 'zh-CN': '版本不兼容', en: 'incompatible version' },
  'connection.unauthorized': { 'zh-CN': '未获授权', en: 'not authorised' },
  'connection.embedded': { 'zh-CN': '内置', en: 'embedded' },
  'connection.lost': { 'zh-CN': '与主机的连接已断开，正在重连…', en: 'Connection to the host lost; reconnecting…' },
  'connection.clockSkew': { 'zh-CN': '本机时钟与后端相差', en: 'Console clock off from the backend by' },
  'connection.clockSkewHint': { 'zh-CN': '告警按后端时间判断；请校准本机时间（NTP）', en: 'Alarms go by the backend\'s time; set this machine\'s clock (NTP)' },
});
