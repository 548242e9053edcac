/**
 * A console's one script, served as a hashed, long-cached file (the CSP allows no inline script). Progressive
 * enhancement only: every page works without it. It asks before destructive submits and copies a shown secret.
 */
export const CONSOLE_JS = `'use strict'
document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault()
  }
})
for (const button of document.querySelectorAll('[data-copy]')) {
  button.hidden = false
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy)
    if (!source) return
    try {
      await navigator.clipboard.writeText(source.textContent.trim())
      button.textContent = 'Copied'
    } catch {
      button.textContent = 'Select the text and copy it'
    }
  })
}
`
