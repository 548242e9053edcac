/** The IdP console's static files: its style sheet and the shared script, under hashed names (see console-ui). */
import { consoleAssets } from '@openxaa/console-ui'
import { CONSOLE_CSS } from './style.js'

export const assets = consoleAssets(CONSOLE_CSS)
