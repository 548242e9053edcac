/** @jsxImportSource hono/jsx */
/**
 * Signing keys: the current key and the previous ones still published (until every token they signed has expired),
 * their age, and "rotate now". Public parts only: a private key never leaves the store.
 */

import { Badge, Empty, formatTime, PageHead, PostButton, Time } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'

import { act, csrfOf, render } from './respond.js'

const ROTATE_AFTER_DAYS = 90

/** GET /console/keys, POST /console/keys/rotate. */
export function keyRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/keys`, async (c) => {
    const now = runtime.now()
    const keys = (await operations.listKeys(c.var.admin)).filter((k) => k.status !== 'retired')
    return render(c, deps, {
      title: 'Signing keys',
      active: 'keys',
      body: (
        <>
          <PageHead
            title="Signing keys"
            lede={`The key that signs ID tokens and ID-JAGs, and the previous keys still published so that tokens they signed keep verifying until they expire. Rotate at least every ${ROTATE_AFTER_DAYS} days, or at once if a key may be exposed.`}
          >
            <PostButton
              action={`${base}/keys/rotate`}
              csrf={csrfOf(c, deps)}
              label="Rotate now"
              confirm="Make a new signing key now? The current one stays published until its tokens have expired."
            />
          </PageHead>
          <section class="card">
            {keys.length === 0 ? (
              <Empty>No keys.</Empty>
            ) : (
              <table>
                <caption class="visually-hidden">Signing keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Key id (kid)</th>
                    <th scope="col">Algorithm</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Age</th>
                    <th scope="col">Leaves the JWKS</th>
                  </tr>
                </thead>
                <tbody>
                  {keys.map((k) => {
                    const age = Math.floor((now - k.createdAt) / 86_400_000)
                    return (
                      <tr>
                        <td>
                          <code>{k.kid}</code>
                        </td>
                        <td>{k.alg}</td>
                        <td>
                          {k.status === 'current' ? (
                            <Badge kind="ok">current: signs</Badge>
                          ) : (
                            <Badge kind="info">previous: verifies</Badge>
                          )}
                        </td>
                        <td>
                          <Time ms={k.createdAt} now={now} relative={false} />
                        </td>
                        <td>
                          {age} {age === 1 ? 'day' : 'days'}{' '}
                          {k.status === 'current' && age >= ROTATE_AFTER_DAYS && (
                            <Badge kind="warn">due for rotation</Badge>
                          )}
                        </td>
                        <td>{k.retireAt === null ? '—' : <Time ms={k.retireAt} now={now} />}</td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            )}
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/keys/rotate`, (c) =>
    act(c, deps, '/keys', async () => {
      const ctx = c.var.admin
      const key = await operations.rotateKeys(ctx)
      return {
        flash: {
          kind: 'ok',
          text: `Rotated: key ${key.kid} signs from now on.`,
          details: [
            `The previous key stays published for ${ctx.keyRetireAfter} seconds (until ${formatTime(runtime.now() + ctx.keyRetireAfter * 1000)}), then leaves the JWKS.`,
            'Other replicas pick up the new key within the key check interval.',
          ],
        },
      }
    }),
  )
}
