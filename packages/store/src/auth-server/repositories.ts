/**
 * The resource authorization server's repositories, built over one executor (the pool or a transaction).
 * @see ../../../../shared/architecture.md "A server never reaches into another server's tables"
 */
import type { RepositoryContext } from '../internal/context.js'
import { type AsAccountRepository, createAsAccountRepository } from './accounts.js'
import { type AdminApiKeyRepository, createAdminApiKeyRepository } from './api-keys.js'
import { type AsClientRepository, createAsClientRepository } from './clients.js'
import { createIssuerTrustRepository, type IssuerTrustRepository } from './issuer-trusts.js'
import { createOrganizationRepository, type OrganizationRepository } from './organizations.js'
import { createRedemptionRowsRepository, type RedemptionRowsRepository } from './redemption-rows.js'
import { type AsResourceRepository, createAsResourceRepository } from './resources.js'
import { type AsRevocationRepository, createAsRevocationRepository } from './revocations.js'

/** Every repository of the resource AS (`store.authServer`). */
export interface AuthServerRepositories {
  organizations: OrganizationRepository
  issuerTrusts: IssuerTrustRepository
  clients: AsClientRepository
  resources: AsResourceRepository
  accounts: AsAccountRepository
  revocations: AsRevocationRepository
  apiKeys: AdminApiKeyRepository
  /** The client, trusts, linked accounts and resource of one redemption, in one query. */
  redemptionRows: RedemptionRowsRepository
}

/** Builds them over a context. */
export function createAuthServerRepositories(context: RepositoryContext): AuthServerRepositories {
  return {
    organizations: createOrganizationRepository(context),
    issuerTrusts: createIssuerTrustRepository(context),
    clients: createAsClientRepository(context),
    resources: createAsResourceRepository(context),
    accounts: createAsAccountRepository(context),
    revocations: createAsRevocationRepository(context),
    apiKeys: createAdminApiKeyRepository(context),
    redemptionRows: createRedemptionRowsRepository(context),
  }
}
