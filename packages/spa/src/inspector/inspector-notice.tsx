import { Link } from '../router/link';
import { useFlow } from './flow-store';

/** After a sign-in with the inspector on: a pointer to how it happened. */
export function InspectorNotice() {
  const flow = useFlow();
  // A failed sign-in is pointed to from the callback page; this notice is for the signed-in.
  if (!flow || flow.steps.length === 0 || flow.failure !== undefined) return null;
  return (
    <aside className="notice" aria-label="Flow inspector">
      <span>You are signed in. See the ten steps of that sign-in, with timings:</span>{' '}
      <Link to="/inspector">Open the flow inspector</Link>
    </aside>
  );
}
