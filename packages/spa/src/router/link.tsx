import type { MouseEvent, ReactNode } from 'react';
import { navigate } from './navigation';
import { usePath } from './use-path';

/** An in-app link: a real `<a href>` (open in new tab works) that navigates without a page load. */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const path = usePath();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} aria-current={path === to ? 'page' : undefined}>
      {children}
    </a>
  );
}
