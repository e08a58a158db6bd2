import { roles, type Role } from '../../../shared/domain/roles.js';
import type { PlainMessageKey } from '../../i18n/catalogue.js';
import type { AppModel } from '../../state/app-model.js';

/** Operator commands in one registry: the keyboard handler and the help overlay both read it. */
export interface Command {
  id: string;
  /** As shown to the operator and matched against key events, e.g. "Alt+1". */
  shortcut: string;
  label: { key: PlainMessageKey; suffix?: PlainMessageKey };
  run(model: AppModel): void;
}

const roleCommands: Command[] = roles.map((role: Role, index) => ({
  id: `role.${role}`,
  shortcut: `Alt+${index + 1}`,
  label: { key: 'shortcut.role', suffix: `role.${role}` },
  run: (model) => navigateToRole(model, role),
}));

export const commands: readonly Command[] = [
  ...roleCommands,
  {
    id: 'language.toggle',
    shortcut: 'Alt+L',
    label: { key: 'shortcut.language' },
    run: (model) => void model.toggleLanguage(),
  },
  // The wall stays visible; the host refuses commands until the user's password unlocks it (in every window).
  { id: 'session.lock', shortcut: 'Alt+K', label: { key: 'shortcut.lock' }, run: (model) => void model.session.lock() },
  { id: 'map.catalogue', shortcut: 'Alt+C', label: { key: 'shortcut.catalogue' }, run: (model) => model.toggleMapPanel('catalogue') },
  { id: 'map.home', shortcut: 'Alt+H', label: { key: 'shortcut.home' }, run: (model) => model.requestMapCamera({ kind: 'home' }) },
  { id: 'settings.toggle', shortcut: 'Alt+S', label: { key: 'shortcut.settings' }, run: (model) => model.toggleOverlay('settings') },
  { id: 'about.toggle', shortcut: 'Alt+I', label: { key: 'shortcut.about' }, run: (model) => model.toggleOverlay('about') },
  { id: 'help.toggle', shortcut: 'F1', label: { key: 'shortcut.help' }, run: (model) => model.toggleOverlay('help') },
];

/** Each role keeps its own URL (the kiosk URL of a wall screen), so switching role updates the address too. */
export function navigateToRole(model: AppModel, role: Role): void {
  model.setRole(role);
  if (location.pathname !== `/${role}`) history.pushState({ role }, '', `/${role}${location.search}`);
}

export function shortcutOf(event: KeyboardEvent): string {
  const parts: string[] = [];
  if (event.ctrlKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey) parts.push('Shift');
  // event.code keeps Alt+digit and Alt+letter stable across keyboard layouts and IMEs.
  const key = event.code.startsWith('Digit') ? event.code.slice(5) : event.code.startsWith('Key') ? event.code.slice(3) : event.key;
  parts.push(key.length === 1 ? key.toUpperCase() : key);
  return parts.join('+');
}

export function commandFor(event: KeyboardEvent): Command | undefined {
  const shortcut = shortcutOf(event);
  return commands.find((command) => command.shortcut === shortcut);
}
