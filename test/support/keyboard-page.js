// The page side of test/support/keyboard.ts: plain functions that playwright serializes into the console page
// (page.evaluate). Plain JavaScript because the repository's one TypeScript program has no DOM library (adding it
// would let Node code use browser globals unnoticed); keyboard-page.d.ts types what they return.

/** The focused element: its name as the console gives it, whether it is labelled and whether its focus is drawn. */
export function readFocus() {
  // Each function is serialized alone into the page: it closes over nothing.
  const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim()
  const el = document.activeElement
  if (!el || el === document.body) return null
  const byIds = text(
    (el.getAttribute('aria-labelledby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  )
  const ariaLabel = text(el.getAttribute('aria-label'))
  const forLabel = el.id ? text(document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent) : ''
  const isControl = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)
  const style = getComputedStyle(el)
  const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0
  const shadow = style.boxShadow !== 'none' && style.boxShadow !== ''
  // The focus ring is drawn outside the element (outline-offset), over its surroundings: its colour against the
  // first opaque background behind it must reach the 3:1 of WCAG 1.4.11 (non-text contrast).
  const rgba = (c) => (c.match(/[\d.]+/g) ?? []).map(Number)
  let bg = [255, 255, 255]
  for (let up = el.parentElement; up; up = up.parentElement) {
    const c = rgba(getComputedStyle(up).backgroundColor)
    if (c.length >= 3 && (c[3] === undefined || c[3] > 0)) {
      bg = c
      break
    }
  }
  const luminance = ([r, g, b]) => {
    const lin = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
  }
  const [hi, lo] = [luminance(rgba(style.outlineColor)), luminance(bg)].sort((x, y) => y - x)
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    ringContrast: outline ? Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 : null,
    type: el.getAttribute('type') ?? '',
    name: byIds || ariaLabel || forLabel || text(isControl ? '' : el.textContent) || text(el.getAttribute('value')),
    labelled: Boolean(byIds || ariaLabel || forLabel),
    isControl,
    visible: el.matches(':focus-visible') && (outline || shadow),
  }
}

/** The focused select's option texts and selected index; throws when focus is not on a select. */
export function readSelect() {
  const select = document.activeElement
  if (!(select instanceof HTMLSelectElement)) throw new Error(`focus is on ${select?.tagName}, not on a select`)
  return { labels: [...select.options].map((o) => o.text), index: select.selectedIndex }
}

/**
 * The page's structural defects: unnamed controls, links and buttons, positive tabindex, images and svg without a
 * text alternative, duplicate ids, not exactly one h1 and one main landmark.
 */
export function structuralDefects() {
  const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim()

  const labelledBy = (el) =>
    text(
      (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    )

  const forLabel = (el) => (el.id ? text(document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent) : '')

  const where = (el) =>
    `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? ` name=${el.getAttribute('name')}` : ''}>`
  const out = []
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!labelledBy(el) && !text(el.getAttribute('aria-label')) && !forLabel(el)) out.push(`unlabelled ${where(el)}`)
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!(labelledBy(el) || text(el.getAttribute('aria-label')) || text(el.textContent)))
      out.push(`nameless ${where(el)}`)
  }
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (Number(el.getAttribute('tabindex')) > 0) out.push(`positive tabindex on ${where(el)}`)
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) out.push(`img without alt ${where(img)}`)
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden=true]')) continue
    const alt = labelledBy(svg) || text(svg.getAttribute('aria-label')) || text(svg.querySelector('title')?.textContent)
    if (!alt) out.push(`svg without a text alternative ${where(svg)}`)
  }
  // A duplicate id ties a <label for> or aria-labelledby to the wrong element.
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id)
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) out.push(`duplicate id "${id}"`)
  const h1 = document.querySelectorAll('h1').length
  if (h1 !== 1) out.push(`${h1} h1 elements`)
  const main = document.querySelectorAll('main, [role=main]').length
  if (main !== 1) out.push(`${main} main landmarks`)
  return out
}

/** Horizontal overflow of the document, and scrollers whose content is wider than they are. */
export function horizontalOverflow() {
  const root = document.documentElement
  const tag = (el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">`
  const all = [...document.querySelectorAll('body *')]
  // The elements past the right edge, to say what overflows.
  const wide = all
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 3)
    .map(tag)
  // A table in a scrolling wrapper keeps the page from overflowing but hides its last columns: on a laptop screen
  // the reason of a refusal would sit out of sight, so a clipped scroller counts as an overflow too.
  const clipped = all
    .filter((el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX))
    .filter((el) => !el.classList.contains('visually-hidden') && el.scrollWidth > el.clientWidth + 1)
    .map(
      (el) =>
        `${tag(el)} ${el.scrollWidth} > ${el.clientWidth} (${
          el.querySelector('caption')?.textContent?.trim() ?? el.textContent?.trim().slice(0, 40)
        })`,
    )
  return { scroll: root.scrollWidth, client: root.clientWidth, wide, clipped }
}
