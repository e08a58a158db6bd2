import { defineMessages } from '../../i18n/define-messages.js';

/** The crew terminal on a frontline phone. */
export const crewMessages = defineMessages({
  'crew.enrolTitle': { 'zh-CN': '登记一线终端', en: 'Enrol a crew terminal' },
  'crew.enrol': { 'zh-CN': '本设备尚未登记为队伍的一线终端。请管理员在指挥中心打开“设置 › 终端与凭据”，为你的队伍发放终端凭据，然后用本设备扫描显示的二维码（或打开显示的链接）。', en: 'This device is not enrolled as a crew terminal. Ask an administrator to open Settings › Sessions and devices at the command centre and issue a terminal credential for your crew, then scan the QR code shown there with this device (or open the link shown).' },
  'crew.commandCentre': { 'zh-CN': '调度中心', en: 'Command centre' },
  'crew.title': { 'zh-CN': '一线终端', en: 'Crew terminal' },
  'crew.autoAnswer': { 'zh-CN': '自动接听', en: 'Answer automatically' },
  'crew.callDispatch': { 'zh-CN': '呼叫调度中心', en: 'Call the centre' },
  'crew.emergency': { 'zh-CN': '紧急呼叫', en: 'Emergency call' },
  'crew.status': { 'zh-CN': '我的状态', en: 'My status' },
  'crew.position': { 'zh-CN': '位置', en: 'Position' },
  'crew.noPosition': { 'zh-CN': '未取得定位', en: 'No position fix' },
  'crew.incoming': { 'zh-CN': '来电', en: 'Incoming call' },
});
