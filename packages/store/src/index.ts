// The store is built in the issue "Storage"; this file becomes its public API.
export {}
