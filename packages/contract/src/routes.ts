/** The paths of the API's own routes that the browser calls, relative to the API's origin. */
export const API_ROUTES = {
  /** `GET`: steps 1–2, a `LoginAnswer`. */
  login: '/api/login',
  /** `GET ?code&state[&iss]`: steps 7–10, a `CallbackAnswer`. */
  callback: '/api/callback',
  /** `POST` (same-origin JSON `{}`): a `TokenAnswer`, or 204 when no refresh cookie was sent. */
  refresh: '/api/refresh',
  /** `POST` (same-origin JSON `{}`): a `LogoutAnswer`. */
  logout: '/api/logout',
  /** `GET` with a bearer: a `MeAnswer`. */
  me: '/api/me',
} as const;
