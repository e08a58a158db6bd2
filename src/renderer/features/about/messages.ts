import { defineMessages } from '../../i18n/define-messages.js';

/** The about dialog and its data sources. */
export const aboutMessages = defineMessages({
  'about.open': { 'zh-CN': '关于', en: 'About' },
  'about.title': { 'zh-CN': '关于智理', en: 'About Zhili' },
  'about.sources': { 'zh-CN': '数据来源', en: 'Data sources' },
  'about.synthetic': { 'zh-CN': '合成数据', en: 'Synthetic data' },
  'about.syntheticNote': { 'zh-CN': '网格、部件、风险点、传感器、车辆、队伍与摄像头均为按固定种子生成的演示数据，并非真实城市数据。', en: 'Grid cells, components, risk sites, sensors, vehicles, crews and cameras are demo data generated from a fixed seed, not real city data.' },
  'about.boundaryNote': { 'zh-CN': '区县边界为示意，不作为权属界线依据。', en: 'District boundaries are indicative and not authoritative.' },
  'about.close': { 'zh-CN': '关闭', en: 'Close' },
});
