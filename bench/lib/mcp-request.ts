/** The tools/call request of the MCP leg (both servers answer it; the tool reports who called). */
export const TOOL_CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'notes.list', arguments: {} },
})
