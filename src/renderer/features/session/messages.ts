import { defineMessages } from '../../i18n/define-messages.js';

/** Signing in, the lock screen and refused commands. */
export const sessionMessages = defineMessages({
  'session.title': { 'zh-CN': '登录', en: 'Sign in' },
  'session.username': { 'zh-CN': '用户名', en: 'User name' },
  'session.password': { 'zh-CN': '密码', en: 'Password' },
  'session.signIn': { 'zh-CN': '登录', en: 'Sign in' },
  'session.signingIn': { 'zh-CN': '正在登录…', en: 'Signing in…' },
  'session.connecting': { 'zh-CN': '正在连接主机…', en: 'Connecting to the host…' },
  'session.firstStart': { 'zh-CN': '首次启动时，主机会在终端打印一条登录链接（只能用一次），以及管理员 admin 的初始密码。', en: 'At its first start the host prints a sign-in link on its terminal (usable once), and the initial password of the administrator admin.' },
  'session.problem.wrong-password': { 'zh-CN': '用户名或密码错误，或该用户已停用。', en: 'The user name or password is wrong, or the user is disabled.' },
  'session.problem.too-many': { 'zh-CN': '失败次数过多，请 {seconds} 秒后再试。', en: 'Too many failed attempts: try again in {seconds} s.' },
  'session.problem.link-used': { 'zh-CN': '此链接已使用、已过期或已被撤销。请向管理员索取新链接，或用用户名和密码登录。', en: 'This link has been used, has expired or was revoked. Ask an administrator for a new one, or sign in with your user name and password.' },
  'session.problem.unreachable': { 'zh-CN': '无法连接主机，请稍后再试。', en: 'The host cannot be reached; try again shortly.' },
  'session.problem.other': { 'zh-CN': '登录失败。', en: 'Sign-in failed.' },
  'session.hostSays': { 'zh-CN': '主机答复', en: 'The host says' },
  'session.user': { 'zh-CN': '当前用户', en: 'Signed in' },
  'session.noRoles': { 'zh-CN': '无角色', en: 'no roles' },
  'session.lock': { 'zh-CN': '锁屏', en: 'Lock' },
  'session.signOut': { 'zh-CN': '退出登录', en: 'Sign out' },
  'session.locked': { 'zh-CN': '屏幕已锁定：大屏照常显示，主机拒绝一切指令。输入密码解锁', en: 'The screen is locked: the wall stays visible, the host refuses every command. Enter the password to unlock' },
  'session.lockedBy': { 'zh-CN': '锁定的会话', en: 'Locked session' },
  'session.unlock': { 'zh-CN': '解锁', en: 'Unlock' },
  'session.viewOnly': { 'zh-CN': '仅查看', en: 'View only' },
  'session.viewOnlyNote': { 'zh-CN': '大屏终端只能查看，不能下达指令', en: 'A wall screen views only; it gives no commands' },
  'session.refused': { 'zh-CN': '指令被主机拒绝', en: 'The host refused the command' },
  'session.dismiss': { 'zh-CN': '知道了', en: 'Dismiss' },
});
