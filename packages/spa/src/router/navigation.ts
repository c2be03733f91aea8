const NAVIGATE = 'gatehouse:navigate';

/** Current path of the address bar (without query or hash). */
export function currentPath(): string {
  return window.location.pathname;
}

/** Moves to `path` inside the app without a page load. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

/** Calls `listener` on every navigation (links, back/forward); returns the unsubscribe function. */
export function subscribeToNavigation(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}
