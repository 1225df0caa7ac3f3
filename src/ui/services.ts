// The app controller, handed to the views through React context.

import { createContext, useContext } from 'react';
import type { AppController } from './app-controller';

export const ControllerContext = createContext<AppController | null>(null);

export function useController(): AppController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside of ControllerContext');
  return controller;
}
