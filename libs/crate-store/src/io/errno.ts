/** Whether `error` is a Node system error with errno code `code` (ENOENT, EEXIST, ...). */
export function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
