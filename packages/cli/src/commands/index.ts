import type { Command } from '../command.js';
import { clientsCommand } from './clients.js';
import { keysCommand } from './keys.js';
import { startCommand } from './start.js';
import { usersCommand } from './users.js';

/** Every `gatehouse` command, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly Command[] = [startCommand, usersCommand, clientsCommand, keysCommand];
