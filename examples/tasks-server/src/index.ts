// The public API of the task-tracker demo server.
export {
  createTasksServer,
  TASKS_SCOPES,
  TASKS_TOOL_SCOPES,
  type TasksServer,
  type TasksServerOptions,
} from './server.js'
export { type Owner, openTasksStore, type Task, type TasksStore } from './store.js'
