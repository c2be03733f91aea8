export { CliError, type CliErrorCode } from './cli-error.js';
export type { Command, CommandContext } from './command.js';
export { main } from './main.js';
export { type DemoUser, type RunningStack, startStack } from './start/start-stack.js';
