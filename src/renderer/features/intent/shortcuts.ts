/** What the keyboard dispatcher reads of a key event (a DOM KeyboardEvent has it all). */
export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  target: unknown;
  defaultPrevented: boolean;
  preventDefault(): void;
}

/** A key press as shown to the operator and written in the action registry, e.g. "Alt+1", "F1", "+". */
export function shortcutOf(event: Pick<KeyPress, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'shiftKey'>): string {
  // event.code keeps Alt+digit and Alt+letter stable across keyboard layouts and IMEs.
  const fromCode = event.code.startsWith('Digit') ? event.code.slice(5) : event.code.startsWith('Key') ? event.code.slice(3) : null;
  const key = fromCode ?? event.key;
  const parts: string[] = [];
  if (event.ctrlKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  // Shift is how a symbol such as "+" is typed on many layouts: the symbol alone names the shortcut.
  if (event.shiftKey && (fromCode !== null || key.length > 1)) parts.push('Shift');
  parts.push(key.length === 1 ? key.toUpperCase() : key);
  return parts.join('+');
}

/** Inputs that take no typing: with one of them focused (a layer ticked off), the window's keys still work. */
const CLICKED_INPUTS = ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'];

/** Keys typed into a field are the field's (its Enter, its Esc), never an operator action. */
export function isTypingTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { isContentEditable?: boolean; tagName?: string; type?: string };
  if (element.tagName === 'INPUT') return !CLICKED_INPUTS.includes(element.type ?? 'text');
  return element.isContentEditable === true || ['SELECT', 'TEXTAREA'].includes(element.tagName ?? '');
}
