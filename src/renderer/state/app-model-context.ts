import { createContext, useContext } from 'react';
import type { AppModel } from './app-model.js';

// Apart from the model itself, so a view that reads the model imports only its type: the model composes the
// features, and a feature's views importing the model's code would make every feature depend on every other.
export const AppModelContext = createContext<AppModel | null>(null);

export function useAppModel(): AppModel {
  const model = useContext(AppModelContext);
  if (!model) throw new Error('useAppModel outside AppModelContext');
  return model;
}
