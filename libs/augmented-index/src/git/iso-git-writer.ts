/**
 * {@link CommitWriter} through isomorphic-git, for machines without the git executable: blobs are
 * written as loose objects one at a time (no parallel file opens, whatever the repository size),
 * and only the trees along changed paths are read and rewritten.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import {
  assertAuthor,
  type CommitRequest,
  type CommitWriter,
  type WrittenCommit,
} from './commit-writer.js';

interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

/** Changes below one directory: a file's new blob (or `null` to delete), or a subdirectory's changes. */
type Edits = Map<string, string | null | Edits>;

export class IsoGitWriter implements CommitWriter {
  private readonly cache = {};

  constructor(private readonly gitdir: string) {}

  async writeBlob(content: string): Promise<string> {
    return git.writeBlob({ fs, gitdir: this.gitdir, blob: Buffer.from(content, 'utf8') });
  }

  async commit(request: CommitRequest): Promise<WrittenCommit> {
    assertAuthor(request.author);
    const edits: Edits = new Map();
    for (const [path, handle] of request.changes) {
      const parts = path.split('/');
      let level = edits;
      for (const dir of parts.slice(0, -1)) {
        let next = level.get(dir);
        if (!(next instanceof Map)) level.set(dir, (next = new Map()));
        level = next;
      }
      level.set(parts.at(-1) ?? path, handle);
    }
    const base = request.parent
      ? (await git.readCommit({ fs, gitdir: this.gitdir, oid: request.parent, cache: this.cache }))
          .commit.tree
      : null;
    const tree =
      (await this.editTree(base, edits)) ??
      (await git.writeTree({ fs, gitdir: this.gitdir, tree: [] }));
    const who = {
      name: request.author.name,
      email: request.author.email,
      timestamp: Math.floor(request.time),
      timezoneOffset: 0,
    };
    const oid = await git.writeCommit({
      fs,
      gitdir: this.gitdir,
      commit: {
        message: request.message,
        tree,
        parent: request.parent ? [request.parent] : [],
        author: who,
        committer: who,
      },
    });
    return { oid, tree };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The new tree of one directory, or `null` when it ends up empty (git stores no empty trees). */
  private async editTree(oid: string | null, edits: Edits): Promise<string | null> {
    const entries = new Map<string, TreeEntry>();
    if (oid) {
      const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      for (const entry of tree) entries.set(entry.path, entry);
    }
    for (const [name, edit] of edits) {
      const existing = entries.get(name);
      if (edit instanceof Map) {
        const sub = await this.editTree(existing?.type === 'tree' ? existing.oid : null, edit);
        if (sub) entries.set(name, { mode: '040000', path: name, oid: sub, type: 'tree' });
        else entries.delete(name);
      } else if (edit === null) entries.delete(name);
      else entries.set(name, { mode: '100644', path: name, oid: edit, type: 'blob' });
    }
    if (entries.size === 0) return null;
    return git.writeTree({ fs, gitdir: this.gitdir, tree: [...entries.values()] });
  }
}
