// Preloaded (`node --import`) by test/chromium.test.ts: this process and its children see no /usr/bin/chromium, as on
// a machine without the browser, so the browser suites' skip and CI-failure paths run for real on a machine with one.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

const exists = fs.existsSync
fs.existsSync = (path) => (String(path) === '/usr/bin/chromium' ? false : exists(path))
syncBuiltinESMExports()
