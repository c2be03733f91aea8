/** A readable error, announced by screen readers as soon as it appears. */
export function ErrorAlert({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p className="alert" role="alert">
      {message}
    </p>
  );
}
