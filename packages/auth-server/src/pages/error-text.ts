/** What an error page says about one error code: a heading and one or two sentences, for people. */
export interface ErrorText {
  readonly title: string;
  readonly message: string;
}

const START_AGAIN = 'Go back to the application and start the sign-in again.';
const NOT_ALLOWED: ErrorText = {
  title: 'This request is not allowed',
  message:
    'The application asked for something this sign-in service does not allow, so you cannot sign in this way. Tell the application’s administrator.',
};
const SIGN_IN_AGAIN: ErrorText = {
  title: 'You need to sign in',
  message: `Your sign-in is needed again. ${START_AGAIN}`,
};

/**
 * Plain sentences for the error codes a person can meet: ours and oidc-provider's (RFC 6749 4.1.2.1, OIDC Core
 * 3.1.2.6). oidc-provider's `error_description` ("client is invalid", "redirect_uri did not match any of the
 * client's registered redirect_uris") is written for developers and may quote the request; it goes to the log,
 * never to the page.
 */
const ERROR_TEXT: Readonly<Record<string, ErrorText>> = {
  not_found: { title: 'Page not found', message: 'There is no page at this address.' },
  session_not_found: {
    title: 'This sign-in page has expired',
    message:
      'This sign-in page has expired or was opened in another browser. Start again from the application.',
  },
  cross_site_request: {
    title: 'Request refused',
    message: 'This form can only be sent from the sign-in page itself.',
  },
  stale_form: {
    title: 'This form has expired',
    message:
      'This form has expired, or was not sent from your account page. Open your account page and try again.',
  },
  reauthentication_required: {
    title: 'Sign in again to make this change',
    message:
      'Changing how you sign in needs a recent sign-in, and yours was more than five minutes ago. Sign in again, then make the change.',
  },
  request_too_large: {
    title: 'Request too large',
    message: `What was sent is far larger than any sign-in form. ${START_AGAIN}`,
  },
  method_not_allowed: {
    title: 'Page not available',
    message: `This address does not answer that kind of request. ${START_AGAIN}`,
  },
  misdirected_request: {
    title: 'Wrong address',
    message:
      'This sign-in service does not answer at this address. Open the application and sign in from there.',
  },
  too_many_requests: {
    title: 'Too many sign-in attempts',
    message: 'Too many sign-ins were started from your network. Wait a moment, then try again.',
  },
  server_error: {
    title: 'Something went wrong',
    message: 'Something went wrong on our side. Try again in a moment.',
  },
  temporarily_unavailable: {
    title: 'Try again in a moment',
    message: 'The sign-in service is busy right now. Try again in a moment.',
  },
  invalid_request: {
    title: 'This sign-in link is not valid',
    message: `The link or form that brought you here is incomplete or malformed. ${START_AGAIN}`,
  },
  invalid_client: {
    title: 'Unknown application',
    message:
      'The application that sent you here is not registered with this sign-in service, so you cannot sign in to it here.',
  },
  invalid_redirect_uri: {
    title: 'Unknown return address',
    message:
      'The application asked to send you back to an address it has not registered. For your safety, you were not sent there.',
  },
  access_denied: {
    title: 'Sign-in cancelled',
    message: 'The sign-in was cancelled, so you are not signed in.',
  },
  unauthorized_client: NOT_ALLOWED,
  unsupported_response_type: NOT_ALLOWED,
  unsupported_response_mode: NOT_ALLOWED,
  invalid_scope: NOT_ALLOWED,
  invalid_target: NOT_ALLOWED,
  request_not_supported: NOT_ALLOWED,
  request_uri_not_supported: NOT_ALLOWED,
  registration_not_supported: NOT_ALLOWED,
  invalid_request_uri: NOT_ALLOWED,
  invalid_request_object: NOT_ALLOWED,
  login_required: SIGN_IN_AGAIN,
  consent_required: SIGN_IN_AGAIN,
  interaction_required: SIGN_IN_AGAIN,
  account_selection_required: SIGN_IN_AGAIN,
};

const FALLBACK: ErrorText = {
  title: 'Sign-in could not continue',
  message: `Something in the request was not right. ${START_AGAIN}`,
};

/** The words for `code`; an unknown code gets a general sentence (never the code's own description). */
export function errorTextFor(code: string): ErrorText {
  return Object.hasOwn(ERROR_TEXT, code) ? (ERROR_TEXT[code] ?? FALLBACK) : FALLBACK;
}
