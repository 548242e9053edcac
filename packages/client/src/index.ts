// Built in its issue; this file becomes the package's public API.
export {}
