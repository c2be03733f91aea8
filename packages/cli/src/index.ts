export { CliError, type CliErrorCode } from './cli-error.js';
export type { Command, CommandContext } from './command.js';
export { main } from './main.js';
export { RESTART_POLICY, type RestartPolicy } from './start/auth-server-process.js';
export { SERVER_NODE_FLAGS } from './start/node-flags.js';
export { type RunningAuthAlone, startAuthAlone } from './start/start-auth-alone.js';
export { type RunningStack, type StartStackOptions, startStack } from './start/start-stack.js';
