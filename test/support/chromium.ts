/**
 * Real Chromium for the console browser tests: Debian's `/usr/bin/chromium` driven by playwright-core (never a
 * browser download). Without it the suites say so plainly and are skipped; under CI (`CI=true`) a missing browser
 * is a failure. Screenshots go to `docs/screenshots/` when `OPENXAA_UPDATE_SCREENSHOTS=1`, else to a temporary
 * directory, so that a test run does not rewrite committed images.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { describe, test } from 'vitest'

/** Where Debian installs Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** True when the browser is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM)
}

/** `describe` when Chromium is installed; otherwise a plain skip, or (under CI) one failing test saying why. */
export function describeWithChromium(name: string, fn: () => void): void {
  if (chromiumAvailable()) {
    describe(name, fn)
    return
  }
  const why = `${CHROMIUM} is missing: install it with "apt-get update && apt-get install -y chromium"`
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('Chromium is installed (required under CI)', () => {
        throw new Error(why)
      })
    })
    return
  }
  console.warn(`SKIPPED browser tests "${name}": ${why}`)
  describe.skip(name, fn)
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
}

/** A new page at 1280x800 that accepts the console's confirmation dialogs. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
  const page = await context.newPage()
  page.on('dialog', (dialog) => void dialog.accept())
  return page
}

let screenshotDir: string | undefined

/** Saves a 1280x800 PNG of the viewport as `<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  screenshotDir ??=
    process.env.OPENXAA_UPDATE_SCREENSHOTS === '1'
      ? join(import.meta.dirname, '../../docs/screenshots')
      : mkdtempSync(join(tmpdir(), 'openxaa-screenshots-'))
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, type: 'png' })
  return path
}
