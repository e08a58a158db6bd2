export { NoticeStrip } from './NoticeStrip.js';
export { initialNoticesState, withNotice, withoutNotice, type Notice, type NoticesState } from './notices.js';
