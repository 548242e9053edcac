// Issue 7's end-to-end scenario on the real servers: the IdP, the two resource ASes and the notes and tasks MCP
// servers of the demo, each on its own loopback port, with the real client SDK signing alice in through the IdP's
// sign-in page. One clock is shared by every server and the client.
import { createXaaClient, MemoryTokenStore } from '@openxaa/client'
import { operations } from '@openxaa/idp'
import { defineOneSignInScenario, type EchoTool } from '../../../packages/client/test/scenarios/one-sign-in.js'
import { CLI_CLIENT, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

const [notes, tasks] = VENDORS as [(typeof VENDORS)[0], (typeof VENDORS)[1]]
const title = (content: string) => (JSON.parse(content) as { title: string }).title
const notesEcho: EchoTool = { tool: 'notes.create', arguments: (text) => ({ title: text, body: '' }), read: title }
const tasksEcho: EchoTool = { tool: 'tasks.add', arguments: (text) => ({ title: text }), read: title }

defineOneSignInScenario('one sign-in, two vendors (the real IdP, resource ASes and MCP servers)', async () => {
  const clock = new TestClock()
  const demo = await startTestDemo(clock)
  const alice = userNamed('alice')
  const { secrets, urls } = demo.state
  return {
    servers: [
      { url: urls.notesMcp, echo: notesEcho },
      { url: urls.tasksMcp, echo: tasksEcho },
    ],
    client: (hooks) =>
      createXaaClient(
        {
          idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
          authorizationServers: {
            [urls.notesAs]: {
              clientId: notes.clientIds[CLI_CLIENT]!,
              clientSecret: secrets.vendors.notes[CLI_CLIENT]!,
            },
            [urls.tasksAs]: {
              clientId: tasks.clientIds[CLI_CLIENT]!,
              clientSecret: secrets.vendors.tasks[CLI_CLIENT]!,
            },
          },
        },
        {
          clock: clock.now,
          store: new MemoryTokenStore(),
          openBrowser: async (url) => {
            hooks.onBrowserOpened()
            await signInAtBrowser(url, alice.username, alice.password)
          },
        },
      ),
    advanceClock: (seconds) => clock.advance(seconds),
    async disableUser() {
      const user = await operations.resolveUser(demo.idpAdmin, alice.username)
      await operations.setUserStatus(demo.idpAdmin, user.id, 'disabled')
    },
    disabledReason: /access_denied\): the user account is disabled at the IdP/,
    async idJagsIssued() {
      const page = await demo.stores.idp.audit.query({ action: 'id_jag.issue', decision: 'allow', limit: 500 })
      return page.events.length
    },
    close: () => demo.close(),
  }
})
