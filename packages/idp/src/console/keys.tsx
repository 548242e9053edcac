/** @jsxImportSource hono/jsx */
/**
 * Signing keys: the key that signs, the next key already published (it signs from its activation time, once every
 * verifier has had time to fetch it), the previous keys still published (until every token they signed has expired),
 * their age, and the two rotations: the normal one and the emergency one for a key that may be exposed. Public parts
 * only: a private key never leaves the store.
 */

import { Badge, Empty, formatTime, PageHead, PostButton, Time } from '@openxaa/console-ui'
import type { SigningKeyInfo } from '@openxaa/store'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { KEY_ACTIVATE_AFTER_DEFAULT } from '../admin/operations/keys.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'

import { act, csrfOf, field, render } from './respond.js'

const ROTATE_AFTER_DAYS = 90

function statusBadge(k: SigningKeyInfo) {
  if (k.status === 'current') return <Badge kind="ok">current: signs</Badge>
  if (k.status === 'next') return <Badge kind="change">next: published</Badge>
  return <Badge kind="info">previous: verifies</Badge>
}

/** GET /console/keys, POST /console/keys/rotate (`mode=emergency` switches and drops at once). */
export function keyRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/keys`, async (c) => {
    const now = runtime.now()
    const keys = (await operations.listKeys(c.var.admin)).filter((k) => k.status !== 'retired')
    const pending = keys.find((k) => k.status === 'next')
    return render(c, deps, {
      title: 'Signing keys',
      active: 'keys',
      body: (
        <>
          <PageHead
            title="Signing keys"
            lede={`The key that signs ID tokens and ID-JAGs, the next key published ahead of its first signature, and the previous keys still published so that tokens they signed keep verifying until they expire. Rotate at least every ${ROTATE_AFTER_DAYS} days. A rotation publishes the new key at once and lets it sign ${KEY_ACTIVATE_AFTER_DEFAULT} seconds later: verifiers refetch the key set on an unknown key at most every 30 seconds, so by then every one of them holds it.`}
          >
            <PostButton
              action={`${base}/keys/rotate`}
              csrf={csrfOf(c, deps)}
              label="Rotate now"
              confirm={`Publish a new signing key now? It signs in ${KEY_ACTIVATE_AFTER_DEFAULT} seconds; the current one signs until then and stays published until its tokens have expired.`}
            />
            <PostButton
              action={`${base}/keys/rotate`}
              csrf={csrfOf(c, deps)}
              label="Emergency rotation"
              kind="danger"
              fields={{ mode: 'emergency' }}
              confirm="Only for a key that may be exposed: the new key signs at once and every earlier key leaves the key set at once. Tokens they signed stop verifying, and verifiers that fetched the key set in the last 30 seconds refuse new tokens until they may fetch it again. Continue?"
            />
          </PageHead>
          {pending && (
            <section class="card" aria-label="Rotation under way">
              <p>
                Rotation under way: key <code>{pending.kid}</code> is published and starts signing{' '}
                <Time ms={pending.activateAt} now={now} />.
              </p>
            </section>
          )}
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
                    <th scope="col">Activates</th>
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
                        <td>{statusBadge(k)}</td>
                        <td>
                          <Time ms={k.createdAt} now={now} relative={false} />
                        </td>
                        <td>
                          {age} {age === 1 ? 'day' : 'days'}{' '}
                          {k.status === 'current' && !pending && age >= ROTATE_AFTER_DAYS && (
                            <Badge kind="warn">due for rotation</Badge>
                          )}
                        </td>
                        <td>{k.status === 'next' ? <Time ms={k.activateAt} now={now} /> : '—'}</td>
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
      const emergency = field(c, 'mode') === 'emergency'
      const key = await operations.rotateKeys(ctx, emergency ? { activateAfterSeconds: 0, retireAfterSeconds: 0 } : {})
      return {
        flash: emergency
          ? {
              kind: 'ok',
              text: `Emergency rotation: key ${key.kid} signs from now on; every earlier key has left the JWKS.`,
              details: [
                'Tokens signed by the earlier keys no longer verify. Verifiers that fetched the JWKS in the last 30 seconds refuse new tokens until they may fetch it again.',
                'Other replicas pick up the new key within the key check interval.',
              ],
            }
          : {
              kind: 'ok',
              text: `Rotated: key ${key.kid} is published and signs from ${formatTime(key.activateAt)}.`,
              details: [
                `The current key signs until then, so that every verifier can fetch the new key first; it then stays published for ${ctx.keyRetireAfter} seconds (until ${formatTime(key.activateAt + ctx.keyRetireAfter * 1000)}) and leaves the JWKS.`,
                'Replicas switch within the key check interval after the activation time.',
              ],
            },
      }
    }),
  )
}
