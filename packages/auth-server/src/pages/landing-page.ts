import { renderPage } from '@gatehouse/common';

/** What a person who opens the issuer URL itself sees. */
export function landingPage(): string {
  return renderPage({
    title: 'Gatehouse sign-in',
    body: `<h1>Gatehouse sign-in</h1>
<p>This is the sign-in service. Open the application you want to use; it will bring you here when you need to sign in.</p>`,
  });
}
