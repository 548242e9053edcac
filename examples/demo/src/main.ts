/**
 * `npm start`: runs the demo until Ctrl-C (SIGINT) or SIGTERM, then stops every server, frees every port and exits 0.
 * Settings: `npm start -- --help`.
 * @see ../../../docs/quickstart.md
 */
import { banner } from './banner.js'
import { type Demo, startDemo } from './demo.js'
import { DemoStartError } from './listen.js'
import { parseSettings, USAGE, UsageError } from './settings.js'

async function main(): Promise<number> {
  let settings: ReturnType<typeof parseSettings>
  try {
    settings = parseSettings(process.argv.slice(2), process.env, process.cwd())
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`openxaa demo: ${err.message}\n\n${USAGE}`)
    return 2
  }
  if (settings.help) {
    console.log(USAGE)
    return 0
  }
  if (settings.reset)
    console.log(`Starting over: deleting the demo's data${settings.databaseUrl ? ' and schemas' : ''}.`)
  let demo: Demo
  try {
    demo = await startDemo(settings)
  } catch (err) {
    if (!(err instanceof DemoStartError)) throw err
    console.error(`openxaa demo: ${err.message}`)
    return 1
  }
  console.log(banner(demo, settings, process.cwd()))
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  // A Ctrl-C reaches both this process and `npm start`'s launcher, which forwards it: later signals are the same
  // request, not "hurry". A stop that hangs still ends, with a failure code.
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => {})
  setTimeout(() => {
    console.error('openxaa demo: did not stop within 10 s; exiting')
    process.exit(1)
  }, 10_000).unref()
  console.log(`\n${signal}: stopping the demo…`)
  await demo.close()
  console.log('Stopped.')
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('openxaa demo: could not start:', err instanceof Error ? (err.stack ?? err.message) : err)
    process.exit(1)
  },
)
