import { defineMessages } from '../../i18n/define-messages.js';

/** The warning shown on a page opened without HTTPS. */
export const secureContextMessages = defineMessages({
  'secureContext.banner': { 'zh-CN': '此页面不是经 HTTPS 打开的（不是安全上下文）：通话、麦克风、摄像头和定位在这里都不可用。请打开主机启动时打印的 https:// 地址（浏览器若提示证书，请核对主机打印的 SHA-256 指纹）。', en: 'This page was not opened over HTTPS (it is not a secure context): calls, the microphone, the camera and the position are unavailable here. Open the https:// address the host printed when it started (if the browser questions the certificate, compare it with the SHA-256 fingerprint the host printed).' },
  'secureContext.required': { 'zh-CN': '此页面不是经 HTTPS 打开的，无法通话：请打开主机打印的 https:// 地址', en: 'This page was not opened over HTTPS, so it cannot call: open the https:// address the host printed' },
});
