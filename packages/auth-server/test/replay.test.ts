// 2(d).7 [#19] single use of an ID-JAG (decision 1): on one instance, on a second instance sharing the database
// file, under concurrency, and the opt-in re-presentation setting.
import { ALLOW_ID_JAG_REPRESENTATION, GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { auditOf, postForm, type RunningAs, readJson, startAs } from './support/as.js'
import { AGENT, startWorld, type World } from './support/world.js'

let w: World
let replica: RunningAs

beforeAll(async () => {
  w = await startWorld()
  replica = await startAs(w.db.url, w.db.dir, { issuer: w.as.issuer })
})
afterAll(async () => {
  await replica?.close()
  await w?.close()
})

function redeemAt(tokenUrl: string, assertion: string) {
  return postForm(tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: [AGENT, w.secrets[AGENT]!] })
}

describe('2(d).7 [#19] replay', () => {
  test('a second redemption on the same instance is refused, and audited as a replay', async () => {
    const assertion = await w.idJag()
    expect((await redeemAt(w.as.tokenUrl, assertion)).status).toBe(200)
    const again = await redeemAt(w.as.tokenUrl, assertion)
    expect(again.status).toBe(400)
    expect(await readJson(again)).toMatchObject({ error: 'invalid_grant' })
    expect((await auditOf(w.as.store, again))[0]).toMatchObject({ reason: 'ERR_ID_JAG_REPLAY', organization: 'acme' })
  })

  test('a redemption on a second instance sharing the database file is refused, in either order', async () => {
    const first = await w.idJag()
    expect((await redeemAt(w.as.tokenUrl, first)).status).toBe(200)
    const onReplica = await redeemAt(replica.tokenUrl, first)
    expect(onReplica.status).toBe(400)
    expect((await auditOf(replica.store, onReplica))[0]?.reason).toBe('ERR_ID_JAG_REPLAY')

    const second = await w.idJag()
    expect((await redeemAt(replica.tokenUrl, second)).status).toBe(200)
    expect((await redeemAt(w.as.tokenUrl, second)).status).toBe(400)
  })

  test('two concurrent redemptions of one jti give exactly one 200 (one instance, and across replicas)', async () => {
    for (const urls of [
      [w.as.tokenUrl, w.as.tokenUrl],
      [w.as.tokenUrl, replica.tokenUrl],
    ]) {
      const assertion = await w.idJag()
      const results = await Promise.all(urls.map((url) => redeemAt(url, assertion)))
      expect(results.map((r) => r.status).sort()).toEqual([200, 400])
    }
  })
})

describe('decision 1: re-presentation until exp, only when switched on by its symbol', () => {
  let lenient: RunningAs
  beforeAll(async () => {
    lenient = await startAs(w.db.url, w.db.dir, {
      issuer: w.as.issuer,
      allowIdJagRepresentation: ALLOW_ID_JAG_REPRESENTATION,
    })
  })
  afterAll(() => lenient?.close())

  test('the same ID-JAG redeems twice on a server that allows re-presentation', async () => {
    const assertion = await w.idJag()
    expect((await redeemAt(lenient.tokenUrl, assertion)).status).toBe(200)
    expect((await redeemAt(lenient.tokenUrl, assertion)).status).toBe(200)
  })

  test('a truthy value that is not the symbol is a TypeError naming the option', async () => {
    await expect(startAs(w.db.url, w.db.dir, { allowIdJagRepresentation: true as never })).rejects.toThrow(
      /options\.allowIdJagRepresentation/,
    )
  })
})
