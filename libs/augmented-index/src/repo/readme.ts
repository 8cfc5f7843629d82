/** The README of a new augmented index (written once; the operator may edit it afterwards). */
export const README = `# Augmented crates index

Laid out exactly like crates.io-index (\`ex/am/example_crate\`, \`3/e/exa\`, \`2/ab\`, \`1/a\`), one JSON
line per version, in the order of the original index file. Each line carries what the registry
index lacks, from the crate's own \`Cargo.toml\` and archive:

- \`name\`, \`vers\`, \`cksum\` (copied from the original index; another cksum means the line is stale)
- \`schema\`: the version of this format: 2 (lines of schema 1 have no \`fields\`, and hold the
  built-in fields at version 1)
- \`fields\`: the version of each field the line holds, \`{"<name>": <version>}\`; a field whose
  version rose is regenerated, alone
- \`field_errors\`: \`{"<name>": {code, message}}\` for each field that failed on this version;
  the line keeps its other fields
- \`dev_deps\`: the dev-dependencies, in the index's dependency shape (\`name\`, \`req\`, \`features\`,
  \`optional\`, \`default_features\`, \`target\`, \`kind: "dev"\`, \`package\` when renamed,
  \`registry\` when not crates.io)
- \`edition\`, \`rust_version\`, \`license\`, \`links\`, \`targets\` (\`lib\` with \`proc_macro\` and
  \`crate_types\`, \`bins\`), \`build_script\`, \`cargo_lock\`
- \`error\` \`{code, message}\` when the crate could not be read at all (its crate fields are then
  absent; fields from the index line alone are still written)
- \`overrides\`: \`{"<field>": {reason}}\` for each value an operator set (below)
- \`stripped_dev_deps\` (the path-only and git-only dev-dependencies \`cargo package\` removed, from
  \`Cargo.toml.orig\`) and \`index_mismatch\` (where the index entry disagrees with the published
  manifest, by kind), when the deployment loads \`@lcs/augmented-index/cargo-checks\`
- any other key: a field another team's module adds (listed in \`config.json\`'s \`fields\`)

Corrections: commit \`.ais/overrides.json\`, \`{"overrides": [{"crate", "versions": [...] or "*",
"field", "value", "reason"}]}\`. The next run writes each value over what the generator says, on
the crates it names only, and never overwrites it; remove an entry and the field is generated
again. Commits made by hand (no trailer) are fine: the run goes on from the last backfiller commit
and re-joins the crate files they touched.

Progress: each commit's message ends with a trailer \`AIS-Original-Commit: <oid>\`, the original
index commit every crate file is complete for, except the files listed in \`.ais/pending\` (versions
whose crate was not in the store yet, or deferred). The next run joins only the crate files that
changed since that commit, plus the pending ones.

Written by ais-backfiller. Output is deterministic: the same inputs give the same bytes.
`;
