/**
 * Writing a commit without a work tree or an index file: blobs are written as a run produces them
 * (so their text is not kept in memory), then one commit applies the staged paths to the parent's
 * tree. Two implementations: `git fast-import` (one process, one pack, cost follows the change) and
 * isomorphic-git (pure JavaScript, for machines without git).
 */

/** A commit author (also the committer). */
export interface Author {
  readonly name: string;
  readonly email: string;
}

/** What {@link CommitWriter.commit} writes. */
export interface CommitRequest {
  /** The parent commit; `null` for the first commit of a repository. */
  readonly parent: string | null;
  /** Path to a handle from {@link CommitWriter.writeBlob}, or `null` to delete the path. */
  readonly changes: ReadonlyMap<string, string | null>;
  readonly message: string;
  readonly author: Author;
  /** Seconds since the epoch (UTC). */
  readonly time: number;
}

/** The commit written, with the trees that tell whether anything changed. */
export interface WrittenCommit {
  readonly oid: string;
  readonly tree: string;
}

/** Writes blobs and commits into a repository's object database (no ref is moved). */
export interface CommitWriter {
  /** Writes one blob; returns the handle a commit refers to it by. */
  writeBlob(content: string): Promise<string>;
  /** Writes the commit and its trees; its objects are readable by other processes on return. */
  commit(request: CommitRequest): Promise<WrittenCommit>;
  /** Ends the writer (blobs not referenced by a commit are left for `git gc`). */
  close(): Promise<void>;
}

/** Refuses an author that would break a commit header. */
export function assertAuthor(author: Author): void {
  for (const value of [author.name, author.email]) {
    if (/[<>\n\r\0]/.test(value) || value.trim() === '') {
      throw new TypeError(`invalid commit author ${JSON.stringify(author)}`);
    }
  }
}
