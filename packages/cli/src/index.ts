export { CliError, type CliErrorCode } from './cli-error.js';
export type { Command, CommandContext } from './command.js';
export { main } from './main.js';
export { SERVER_NODE_FLAGS } from './start/node-flags.js';
export { type RunningStack, startStack } from './start/start-stack.js';
