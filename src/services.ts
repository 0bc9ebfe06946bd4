import { ClientTokenService } from './client-tokens/service.js';
import { systemClock, type Clock } from './clock.js';
import { KeyService } from './keys/service.js';
import type { Store } from './store/store.js';
import { TenantService } from './tenants/service.js';
import { LastUsedRecorder } from './usage/last-used.js';
import { UserService } from './users/service.js';
import { VerificationService } from './verifications/service.js';
import { VerifyLinkService } from './verify-links/service.js';

/** The business layer, shared by the HTTP app and the `tessera` command. */
export interface Services {
  store: Store;
  clock: Clock;
  tenants: TenantService;
  keys: KeyService;
  users: UserService;
  clientTokens: ClientTokenService;
  lastUsed: LastUsedRecorder;
  verifications: VerificationService;
  verifyLinks: VerifyLinkService;
}

export function createServices(store: Store, clock: Clock = systemClock): Services {
  const lastUsed = new LastUsedRecorder(store);
  const clientTokens = new ClientTokenService(store, clock, lastUsed);
  return {
    store,
    clock,
    tenants: new TenantService(store, clock),
    keys: new KeyService(store, clock, lastUsed),
    users: new UserService(store, clock, clientTokens),
    clientTokens,
    lastUsed,
    verifications: new VerificationService(store, clock),
    verifyLinks: new VerifyLinkService(store, clock),
  };
}
