import { Link } from '../router/link';

/** Any path the app does not know. */
export function NotFoundPage() {
  return (
    <section className="card" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}
