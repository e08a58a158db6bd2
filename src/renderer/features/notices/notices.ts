/** A problem one window met, shown in that window until dismissed: what the operator did here and why it failed. */
export interface Notice {
  id: number;
  text: string;
}

export interface NoticesState {
  list: Notice[];
  nextId: number;
}

/** The most a window shows; older ones give way (each said what failed then, the newest matter now). */
export const MAX_NOTICES = 4;

export const initialNoticesState: NoticesState = { list: [], nextId: 1 };

/** Adds a notice; the same text again moves to the end instead of showing twice. */
export function withNotice(state: NoticesState, text: string): NoticesState {
  const others = state.list.filter((notice) => notice.text !== text);
  return { list: [...others, { id: state.nextId, text }].slice(-MAX_NOTICES), nextId: state.nextId + 1 };
}

export function withoutNotice(state: NoticesState, id: number): NoticesState {
  return state.list.some((notice) => notice.id === id) ? { ...state, list: state.list.filter((notice) => notice.id !== id) } : state;
}
