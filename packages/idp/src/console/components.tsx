/** @jsxImportSource hono/jsx */
/** Building blocks only the IdP console uses (the shared ones are in @openxaa/console-ui). */
import { Csrf } from '@openxaa/console-ui'

/** "Block until a date": a block wins over every connection until the date (or until lifted). */
export function BlockForm(props: {
  action: string
  csrf: string
  kind: string
  target: string
  what: string
  today: string
  back: string
}) {
  const id = `block-${props.kind}`
  return (
    <form method="post" action={props.action} class="row" aria-label={`Block ${props.what} until a date`}>
      <Csrf token={props.csrf} />
      <input type="hidden" name="kind" value={props.kind} />
      <input type="hidden" name="target" value={props.target} />
      <input type="hidden" name="back" value={props.back} />
      <div class="field">
        <label for={`${id}-until`}>Block until (UTC date, empty: until lifted)</label>
        <input id={`${id}-until`} name="until" type="date" min={props.today} />
      </div>
      <div class="field">
        <label for={`${id}-reason`}>Reason</label>
        <input id={`${id}-reason`} name="reason" type="text" placeholder="e.g. incident 4711" />
      </div>
      <button class="btn btn-danger" type="submit">
        Block {props.what}
      </button>
    </form>
  )
}
