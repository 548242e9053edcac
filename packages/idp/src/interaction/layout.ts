/**
 * Server-rendered HTML for every page the IdP shows: one layout (language, title, landmarks, a small inline style
 * sheet, no external resources), escaping for every interpolated value.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Markup that is already safe (built from escaped parts). */
export interface SafeHtml {
  readonly html: string
}

/** Marks markup as safe; only for strings built by this module's helpers. */
export function trusted(html: string): SafeHtml {
  return { html }
}

/** Tagged template: interpolated values are escaped unless they are {@link SafeHtml}. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => (isSafe(v) ? v.html : escapeHtml(v))).join('')
      : isSafe(value)
        ? value.html
        : value === undefined || value === null || value === false
          ? ''
          : escapeHtml(value)
    out += part + (strings[i + 1] ?? '')
  })
  return { html: out }
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && typeof (value as SafeHtml).html === 'string'
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:24rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0003}
h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #8a93a6;border-radius:4px}
input:focus,button:focus{outline:3px solid #2d6cdf;outline-offset:1px}
button{margin-top:1.25rem;width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:4px;background:#2d5bd0;color:#fff;cursor:pointer}
button.secondary{background:#e4e7ee;color:#1d2330}
.error{background:#fde8e8;color:#8a1111;padding:.6rem;border-radius:4px}
ul{padding-left:1.2rem}code{font-size:1.4rem;letter-spacing:.15em}
`

/** A complete page. */
export function page(title: string, siteName: string, body: SafeHtml): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.html}
</main>
</body>
</html>`
}

/** An error message announced to assistive technology. */
export function errorBox(message: string | undefined): SafeHtml {
  return message === undefined ? trusted('') : html`<p class="error" role="alert" id="form-error">${message}</p>`
}
