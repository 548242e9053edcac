/** The IdP's repositories, built over one executor (the pool or a transaction). */
import type { RepositoryContext } from '../internal/context.js'
import { createIdpApiKeyRepository, type IdpApiKeyRepository } from './api-keys.js'
import { createIdpApplicationRepository, type IdpApplicationRepository } from './applications.js'
import { createIdpBlockRepository, type IdpBlockRepository } from './blocks.js'
import { createIdpClientRepository, type IdpClientRepository } from './clients.js'
import { createIdpConnectionRepository, type IdpConnectionRepository } from './connections.js'
import { createIdpExchangeReads, type IdpExchangeReads } from './exchange.js'
import { createIdpGroupRepository, type IdpGroupRepository } from './groups.js'
import { createIdpUserRepository, type IdpUserRepository } from './users.js'

/** Everything the enterprise IdP stores: directory, clients, applications, connections, blocks, API keys. */
export interface IdpRepositories {
  users: IdpUserRepository
  groups: IdpGroupRepository
  clients: IdpClientRepository
  applications: IdpApplicationRepository
  connections: IdpConnectionRepository
  blocks: IdpBlockRepository
  apiKeys: IdpApiKeyRepository
  /** The token exchange's reads, combined into few queries. */
  exchange: IdpExchangeReads
}

/** Builds the IdP repositories over a context. */
export function createIdpRepositories(context: RepositoryContext): IdpRepositories {
  return {
    users: createIdpUserRepository(context),
    groups: createIdpGroupRepository(context),
    clients: createIdpClientRepository(context),
    applications: createIdpApplicationRepository(context),
    connections: createIdpConnectionRepository(context),
    blocks: createIdpBlockRepository(context),
    apiKeys: createIdpApiKeyRepository(context),
    exchange: createIdpExchangeReads(context),
  }
}
