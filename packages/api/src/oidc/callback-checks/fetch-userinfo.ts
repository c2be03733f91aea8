import { fetchUserInfo } from 'openid-client';
import { ApiError } from '../../errors/api-error.js';
import { mapClientError } from '../map-client-error.js';
import { profileFromClaims } from '../profile-from-claims.js';
import { rolesFromClaims } from '../roles-from-claims.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 12 (OIDC Core 5.3.2): userinfo is called with the provider's access token in the Authorization
 * header (openid-client never puts it in a URL), and its `sub` must equal the ID token's. Without a userinfo
 * endpoint the ID token claims are used; either way capped in length ({@link profileFromClaims}), and the roles
 * read from the claim OIDC_ROLES_CLAIM names, bounded ({@link rolesFromClaims}).
 */
export const fetchUserinfo: CallbackCheck = {
  name: 'fetch-userinfo',
  step: 9,
  inspects: 'userinfo fetched (bearer in the header), its sub is the ID token’s',
  async run(state) {
    const claims = state.claims;
    const tokens = state.tokens;
    if (claims === undefined || tokens === undefined) throw new ApiError('id_token_invalid');
    const { config } = state.ctx.provider.provider;
    let info: Record<string, unknown> = {};
    if (config.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        info = await fetchUserInfo(config, tokens.access_token, claims.sub);
      } catch (error) {
        throw mapClientError(error, 'userinfo_invalid');
      }
      if (info.sub !== claims.sub)
        throw new ApiError('userinfo_invalid', { detail: 'userinfo sub mismatch' });
    }
    const user = profileFromClaims(claims.sub, info, claims);
    // docs/security.md 36: roles only from these validated answers, bounded; what is dropped is said, not shown.
    const claim = state.ctx.config.oidcRolesClaim;
    const found = rolesFromClaims(claim, info, claims);
    if (found.roles !== undefined) user.roles = found.roles;
    if (found.dropped.count > 0) {
      state.ctx.logger.warn(
        {
          claim,
          kept: found.roles?.length ?? 0,
          dropped: found.dropped.count,
          reasons: found.dropped.reasons,
        },
        'roles the provider asserted were dropped (over the bounds, or not names)',
      );
    }
    state.user = user;
  },
};
