/** The crate files of an augmented index commit: what a join or a drift check walks. */
import { isIndexFilePath, type GitObjectStore } from '@lcs/index-reader';
import { parseCommit, walkTree } from '@lcs/index-reader/git';

/** Every crate file path of `commit`, in path order (layout files such as `config.json` left out). */
export async function* crateFilePaths(
  store: GitObjectStore,
  commit: string,
): AsyncGenerator<string> {
  const object = await store.readObject(commit);
  if (!object) return;
  for await (const file of walkTree(store, parseCommit(commit, object.data).tree))
    if (isIndexFilePath(file.path)) yield file.path;
}
