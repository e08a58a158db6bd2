import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { z } from 'zod';
import type { Role } from '../../../shared/domain/roles.js';
import type { JsonValue } from '../../../shared/wall/window-state.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { decodeWindowState, type WindowStateMigration } from './window-state-codec.js';
import { windowScreenOf } from './window-screen.js';

export interface WindowStateHandle<T> {
  value: T;
  /** `loading` until the host has answered with what this window saved last time. */
  status: 'loading' | 'ready';
  /** Why the last change was not kept (refused by the schema or the host, or no valid `?screen=`); null when it was. */
  error: string | null;
  save(next: T): void;
}

export interface WindowStateOptions {
  /** The version of the state's format; raise it when the shape changes, and give `migrate` for older saves. */
  version?: number;
  migrate?: WindowStateMigration;
}

/**
 * A window's own state (its video layout, the panel it shows, the map's view), saved on the host under its role and
 * screen key and restored when the window is opened again. `schema` and `options` should be module constants: a new
 * schema object on every render reloads the state.
 */
export function useWindowState<T>(role: Role, schema: z.ZodType<T>, initial: T, options: WindowStateOptions = {}): WindowStateHandle<T> {
  const model = useAppModel();
  const hostLink = useStore(model.connection, (state) => state.host);
  const screen = useMemo(() => windowScreenOf(location.search), []);
  const version = options.version ?? 1;
  const initialValue = useRef(initial);
  const migrate = useRef(options.migrate);
  // A change made before the saved state arrived is newer than it: the late answer must not overwrite it.
  const changedHere = useRef(false);
  const [state, setState] = useState<{ value: T; status: 'loading' | 'ready' }>({ value: initial, status: 'loading' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Without a valid screen key there is nothing to restore: the window starts from its defaults (see `status`).
    if (hostLink !== 'connected' || !screen.ok) return;
    let cancelled = false;
    void model.host.bridge.call('window.loadState', { role, screen: screen.key }).then((response) => {
      if (cancelled || changedHere.current) return;
      const restored = response.ok && response.value ? decodeWindowState(response.value, schema, version, migrate.current) : null;
      setState({ value: restored ?? initialValue.current, status: 'ready' });
    });
    return () => {
      cancelled = true;
    };
  }, [model, hostLink, role, screen, schema, version]);

  const save = useCallback(
    (next: T) => {
      const parsed = schema.safeParse(next);
      if (!parsed.success) {
        setError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
        return;
      }
      changedHere.current = true;
      setState({ value: parsed.data, status: 'ready' });
      if (!screen.ok) {
        setError(`?screen=${screen.value}`);
        return;
      }
      void model.host.bridge
        .call('window.saveState', { role, screen: screen.key, state: { version, data: parsed.data as JsonValue } })
        .then((response) => setError(response.ok ? null : response.error.message));
    },
    [model, role, screen, schema, version],
  );

  return { value: state.value, status: screen.ok ? state.status : 'ready', error, save };
}
