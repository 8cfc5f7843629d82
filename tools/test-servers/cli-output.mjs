// What the CLIs' end-to-end tests read from a child's stderr: JSON log lines off a terminal.

/**
 * stderr as people read it: every JSON log line replaced by its `msg` (JSON escapes the quotes a
 * message names its input with).
 * @param {string} stderr
 * @returns {string}
 */
export function messagesOf(stderr) {
  return stderr
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return line;
      try {
        return String(JSON.parse(line).msg ?? line);
      } catch {
        return line;
      }
    })
    .join('\n');
}
