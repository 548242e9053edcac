/** What has focus, read in the page by `readFocus`. */
export interface Focused {
  tag: string
  id: string
  type: string
  /** The accessible name as the console gives it: aria-labelledby, aria-label, <label for>, else the text. */
  name: string
  /** Named by <label for>, aria-label or aria-labelledby. */
  labelled: boolean
  /** An input, select or textarea. */
  isControl: boolean
  /** Contrast of the outline's colour with the first opaque background behind the element (null: no outline). */
  ringContrast: number | null
  /** `:focus-visible` matches and the element draws a non-empty outline or box-shadow. */
  visible: boolean
}

export function readFocus(): Focused | null
export function readSelect(): { labels: string[]; index: number }
export function structuralDefects(): string[]
export function horizontalOverflow(): { scroll: number; client: number; wide: string[]; clipped: string[] }
