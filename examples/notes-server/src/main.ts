// Starts the notes demo server: `node --conditions=openxaa-source --import tsx src/main.ts --port 4101 --issuer <RAS issuer>`.
// Flags win over the environment: NOTES_PORT, NOTES_HOST, NOTES_ISSUER, NOTES_RESOURCE, NOTES_JWKS_URI, NOTES_DATA.
import { runMcpExample } from '@openxaa/example-mcp-kit'
import { createNotesServer } from './server.js'

runMcpExample({ name: 'notes-server', what: 'notes', env: 'NOTES', port: 4101, create: createNotesServer })
