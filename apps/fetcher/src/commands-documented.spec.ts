/**
 * Every command of the command table is where a user looks for it: the usage block of this app's
 * README (`npx lcs-fetcher <command>`) and the row of the repository's README that lists the commands.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_LINE } from './config.js';

const read = (path: string) => readFileSync(resolve(import.meta.dirname, path), 'utf8');

describe('the commands of lcs-fetcher', () => {
  const commands = Object.keys(COMMAND_LINE.commands);

  it('are each in the README usage block and in the repository README', () => {
    expect(commands).toContain('status');
    const usage = read('../README.md');
    const row = read('../../../README.md')
      .split('\n')
      .find((line) => line.includes('[`lcs-fetcher`]'));
    expect(row).toBeDefined();
    for (const command of commands) {
      expect(usage, command).toMatch(new RegExp(`npx lcs-fetcher ${command}\\b`));
      expect(row, command).toContain(`\`${command}\``);
    }
  });
});
