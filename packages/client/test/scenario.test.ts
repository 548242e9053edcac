// The end-to-end scenario of the issue on the loopback fixtures; examples/demo/test/one-sign-in.test.ts runs the same
// scenario on the real servers.

import { startWorld } from './fixtures/world.js'
import { defineOneSignInScenario } from './scenarios/one-sign-in.js'

defineOneSignInScenario('one sign-in, two vendors (loopback fixtures)', async () => {
  const world = await startWorld()
  return {
    servers: [world.mcpA.mcpUrl, world.mcpB.mcpUrl],
    client: (hooks) =>
      world.client(
        {},
        {
          openBrowser: async (url) => {
            hooks.onBrowserOpened()
            await world.openBrowser(url)
          },
        },
      ),
    advanceClock: (seconds) => world.clock.advance(seconds),
    disableUser: async () => {
      world.idp.users.get(world.idp.currentUser)!.disabled = true
    },
    idJagsIssued: () => world.idp.exchanges.length,
    close: () => world.close(),
  }
})
