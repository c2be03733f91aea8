import type { Command } from '../command.js';
import { startCommand } from './start.js';

/** Every `gatehouse` command, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly Command[] = [startCommand];
