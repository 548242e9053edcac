// The public API of the notes demo server.
export {
  createNotesServer,
  NOTES_SCOPES,
  NOTES_TOOL_SCOPES,
  type NotesServer,
  type NotesServerOptions,
} from './server.js'
export { type Note, type NotesStore, type Owner, openNotesStore } from './store.js'
