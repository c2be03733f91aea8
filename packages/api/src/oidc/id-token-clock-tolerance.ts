/**
 * Seconds an ID token's time claims (`exp`, `iat`) may be off the API's clock and still be accepted (openid-client's
 * default too): a provider whose clock is further off than this has its ID tokens refused at the callback.
 */
export const ID_TOKEN_CLOCK_TOLERANCE_S = 30;
