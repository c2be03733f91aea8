import { useSyncExternalStore } from 'react';
import { currentPath, subscribeToNavigation } from './navigation';

/** The current path, re-rendering on navigation. */
export function usePath(): string {
  return useSyncExternalStore(subscribeToNavigation, currentPath);
}
