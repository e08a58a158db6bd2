import { useEffect, useRef } from 'react';
import { useAppModel } from '../../state/app-model-context.js';
import type { ActionId } from './actions.js';

/**
 * While the calling view is shown (and `when` holds), it carries out the action: the window's keyboard dispatcher and
 * the help overlay then see it as available. The latest handler runs, so it may close over the view's state.
 */
export function useProvidedAction(id: ActionId, handler: () => unknown, when = true): void {
  const model = useAppModel();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => (when ? model.intents.provide(id, () => latest.current()) : undefined), [model, id, when]);
}
