/**
 * What the console's browser and keyboard tests share: an AS on a SQLite file, a test ID-JAG issuer whose tokens
 * name the client `chat-agent` and the chat MCP resource, an admin API key, and a Chromium page.
 */

import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, newPage } from '../../../../test/support/chromium.js'
import { postForm, type RunningAs, startAs, tempDatabase } from '../support/as.js'
import { startTestIdp, type TestIdp } from '../support/idp.js'

export const RESOURCE = 'https://mcp.chat.example'

export interface ConsoleWorld {
  as: RunningAs
  idp: TestIdp
  apiKey: string
  apiKeyId: string
  browser: Browser
  page: Page
  /** A console URL from its path under /console. */
  url(path: string): string
  /** A jwt-bearer redemption of a fresh ID-JAG by `chat-agent`, authenticated with `clientSecret`. */
  redeem(clientSecret: string): ReturnType<typeof postForm>
  close(): Promise<void>
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const db = tempDatabase()
  const started: { close(): Promise<void> | void }[] = [{ close: () => db.dispose() }]
  const close = async () => {
    for (const part of started.reverse()) await part.close()
  }
  try {
    const as = await startAs(db.url, db.dir)
    started.push(as)
    const idp = await startTestIdp({
      aud: as.issuer,
      client_id: 'chat-agent',
      resource: RESOURCE,
      scope: 'chat.read',
      tenant: 'acme',
    })
    started.push(idp)
    const created = await as.store.authServer.apiKeys.create('console')
    const browser = await launchChromium()
    started.push(browser)
    return {
      as,
      idp,
      apiKey: created.key,
      apiKeyId: created.apiKey.id,
      browser,
      page: await newPage(browser),
      url: (path) => `${as.issuer}/console${path}`,
      redeem: async (clientSecret) =>
        postForm(
          as.tokenUrl,
          { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await idp.mint({}), resource: RESOURCE },
          { basic: ['chat-agent', clientSecret] },
        ),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}
