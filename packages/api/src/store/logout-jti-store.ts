/** The `jti`s of back-channel logout tokens already received (Back-Channel Logout 1.0, 2.6: replay). */
export interface LogoutJtiStore {
  /** Records a back-channel logout `jti` until `expiresAt`; false when any process saw it before (replay). */
  rememberLogoutJti(jti: string, expiresAt: number): Promise<boolean>;
}
