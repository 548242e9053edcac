// Decision 7 and 2(d).1/2(d).3 across replicas: the client, trust and resource rows a redemption needs are read in
// one query per request, never cached, so a client or trust disabled, or a scope removed, through one instance is
// refused by a second instance sharing the database at once, with no wait and no restart.
import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createAdminService } from '../src/index.js'
import { auditOf, postForm, type RunningAs, readJson, startAs } from './support/as.js'
import { AGENT, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let replica: RunningAs
const admin = { type: 'cli' as const, id: 'test' }

beforeAll(async () => {
  w = await startWorld()
  replica = await startAs(w.db.url, w.db.dir, { issuer: w.as.issuer })
})
afterAll(async () => {
  await replica?.close()
  await w?.close()
})

const redeem = async (assertion: string) =>
  postForm(replica.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: [AGENT, w.secrets[AGENT]!] })

test('a client disabled on one instance is refused by the other at once', async () => {
  const service = createAdminService(w.as.server.context)
  expect((await redeem(await w.idJag())).status).toBe(200)
  await service.setClientEnabled(admin, AGENT, false)
  try {
    const refused = await redeem(await w.idJag())
    expect(refused.status).toBe(401)
    expect(await readJson(refused)).toMatchObject({ error: 'invalid_client' })
    expect((await auditOf(replica.store, refused))[0]?.reason).toBe('ERR_CLIENT_DISABLED')
  } finally {
    await service.setClientEnabled(admin, AGENT, true)
  }
  expect((await redeem(await w.idJag())).status).toBe(200)
})

test('decision 7: a trust disabled on one instance is refused by the other at once', async () => {
  const service = createAdminService(w.as.server.context)
  expect((await redeem(await w.idJag())).status).toBe(200)
  await service.setTrustEnabled(admin, w.trustIds.acme, false)
  try {
    const refused = await redeem(await w.idJag())
    expect(refused.status).toBe(400)
    expect(await readJson(refused)).toMatchObject({ error: 'invalid_grant' })
    expect((await auditOf(replica.store, refused))[0]?.reason).toBe('ERR_ID_JAG_TRUST_DISABLED')
  } finally {
    await service.setTrustEnabled(admin, w.trustIds.acme, true)
  }
  expect((await redeem(await w.idJag())).status).toBe(200)
})

test('2(d).13 a scope removed from the resource on one instance is not granted by the other', async () => {
  const service = createAdminService(w.as.server.context)
  const before = await readJson(await redeem(await w.idJag()))
  expect(before.scope).toBe('chat.read chat.history')
  await service.updateResource(admin, RESOURCE, { scopes: ['chat.read', 'chat.write'] })
  try {
    const after = await readJson(await redeem(await w.idJag()))
    expect(after.scope).toBe('chat.read')
  } finally {
    await service.updateResource(admin, RESOURCE, { scopes: ['chat.read', 'chat.history', 'chat.write'] })
  }
})
