/**
 * Keyboard and accessibility checks for the console browser tests (the issue: "usable without reading docs,
 * keyboard-accessible, responsive enough for a laptop screen"). A test moves focus with `Tab` only, and after every
 * press `tabTo` reads what has focus, whether the focus is visible and whether a form control has a programmatic
 * label, so a regression in any of the three fails the step that reaches it. `auditPage` checks a whole page.
 */
import type { Page } from 'playwright-core'
import { type Focused, horizontalOverflow, readFocus, readSelect, structuralDefects } from './keyboard-page.js'

export type { Focused }

/** Reads the focused element in the page. */
export function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(readFocus)
}

/** Every element focus stopped on, in order, with the key that moved it there (for failure messages). */
export type FocusTrail = string[]

/** The accessible name, `#id` for an id, or a pattern over either. */
function matches(f: Focused, target: string | RegExp): boolean {
  if (typeof target !== 'string') return target.test(f.name) || target.test(`#${f.id}`)
  return target.startsWith('#') ? `#${f.id}` === target : f.name === target
}

/** Throws unless focus is drawn (WCAG 2.4.7), with a ring of 3:1 against its surroundings (1.4.11). */
function expectVisibleFocus(f: Focused, trail: string[]): void {
  if (!f.visible) throw new Error(`focus is not visible on ${describe(f)}; trail: ${trail.join(' → ')}`)
  if (f.ringContrast !== null && f.ringContrast < 3) {
    throw new Error(`the focus ring on ${describe(f)} has a contrast of ${f.ringContrast}:1, under 3:1`)
  }
}

function describe(f: Focused | null): string {
  return f ? `${f.tag}${f.id ? `#${f.id}` : ''} "${f.name}"` : '(nothing)'
}

/**
 * Presses `key` (Tab by default) until the focused element's accessible name (or id, `#id`) matches `target`,
 * checking after every press that focus is visible and that a form control is labelled. Throws, with the trail,
 * when a check fails or `target` is not reached within `max` presses.
 */
export async function tabTo(
  page: Page,
  target: string | RegExp,
  options: { key?: 'Tab' | 'Shift+Tab'; max?: number } = {},
): Promise<Focused> {
  const { key = 'Tab', max = 60 } = options
  const trail: FocusTrail = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key)
    const f = await focused(page)
    trail.push(describe(f))
    if (!f) continue
    expectVisibleFocus(f, trail)
    if (f.isControl && !f.labelled) throw new Error(`form control without a label: ${describe(f)}`)
    if (matches(f, target)) return f
  }
  throw new Error(`${String(target)} not reached in ${max} ${key} presses; trail: ${trail.join(' → ')}`)
}

/**
 * Presses `key` once per entry of `expected` and checks, after each press, that focus is on that element (its
 * accessible name, or `#id`), visibly, and labelled if it is a form control: the tab order, step by step.
 */
export async function expectTabOrder(
  page: Page,
  expected: (string | RegExp)[],
  key: 'Tab' | 'Shift+Tab' = 'Tab',
): Promise<void> {
  const trail: string[] = []
  for (const want of expected) {
    await page.keyboard.press(key)
    const f = await focused(page)
    trail.push(describe(f))
    if (!f || !matches(f, want)) {
      throw new Error(`${key} ${trail.length}: expected ${String(want)}, focus went ${trail.join(' → ')}`)
    }
    expectVisibleFocus(f, trail)
    if (f.isControl && !f.labelled) throw new Error(`form control without a label: ${describe(f)}`)
  }
}

/** Presses a key that navigates (Enter on a link or a submit button) and waits for the new page. */
export async function pressAndWait(page: Page, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)])
}

/**
 * Chooses an option of the focused select with the arrow keys (a closed select changes its value on an arrow, as a
 * keyboard user does it); returns the chosen option's text.
 */
export async function chooseOption(page: Page, label: string | RegExp): Promise<string> {
  const { labels, index } = await page.evaluate(readSelect)
  const wanted = labels.findIndex((l) => (typeof label === 'string' ? l === label : label.test(l)))
  if (wanted < 0) throw new Error(`no option ${String(label)} in ${labels.join(' | ')}`)
  const key = wanted > index ? 'ArrowDown' : 'ArrowUp'
  for (let i = 0; i < Math.abs(wanted - index); i++) await page.keyboard.press(key)
  const after = await page.evaluate(readSelect)
  const chosen = after.labels[after.index]
  if (chosen === undefined || chosen !== labels[wanted])
    throw new Error(`the arrows chose "${chosen}", not "${labels[wanted]}"`)
  return chosen
}

/** One page's accessibility defects, as readable strings (empty when the page passes). */
export async function auditPage(page: Page): Promise<string[]> {
  const problems = await page.evaluate(structuralDefects)
  const original = page.viewportSize()
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size)
    const { scroll, client, wide, clipped } = await page.evaluate(horizontalOverflow)
    if (scroll > client) {
      problems.push(`overflows at ${size.width}x${size.height}: scrollWidth ${scroll} > ${client} (${wide.join(', ')})`)
    }
    for (const c of clipped) problems.push(`clipped at ${size.width}x${size.height}: ${c}`)
  }
  if (original) await page.setViewportSize(original)
  return problems
}
