/**
 * isomorphic-git, loaded on first use: importing it costs about 130 ms, which every command that
 * reads through the git executable (the fast path) would otherwise pay at start-up.
 */
type IsoGit = typeof import('isomorphic-git').default;
type IsoGitHttp = typeof import('isomorphic-git/http/node').default;

let loading: Promise<{ git: IsoGit; http: IsoGitHttp }> | undefined;

/** The isomorphic-git module and its Node HTTP client. */
export function loadIsoGit(): Promise<{ git: IsoGit; http: IsoGitHttp }> {
  loading ??= Promise.all([import('isomorphic-git'), import('isomorphic-git/http/node')]).then(
    ([git, http]) => ({ git: git.default, http: http.default }),
  );
  return loading;
}
