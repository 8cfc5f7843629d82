/**
 * Loading and checking Kubernetes manifests offline: YAML parsed strictly (duplicate keys are
 * errors), each object validated against the Kubernetes OpenAPI schemas shipped by
 * `kubernetes-models`, and a strict check those schemas cannot do: unknown keys. The schemas accept
 * them (a misspelt `activeDeadlineSecond` would silently do nothing); TypeScript's excess-property
 * check against the same package's interfaces rejects them at any depth.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');

/** One object of a manifest file. */
export interface Manifest {
  readonly file: string;
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly body: Record<string, unknown> & { metadata?: { name?: string; namespace?: string } };
}

/** Every object in the YAML files given. */
export function loadManifests(files: readonly string[]): Manifest[] {
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true }).map((doc, index) => {
      if (doc.errors.length > 0)
        throw new Error(`${file}#${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const body = doc.toJS() as Manifest['body'];
      return {
        file,
        index,
        apiVersion: String(body['apiVersion']),
        kind: String(body['kind']),
        body,
      };
    }),
  );
}

/** The `kubernetes-models` module of an apiVersion: `v1` → `kubernetes-models/v1`, `apps/v1` → `kubernetes-models/apps/v1`. */
function modelModule(manifest: Manifest): string {
  return `kubernetes-models/${manifest.apiVersion}/${manifest.kind}`;
}

/** Schema errors of one object (empty when valid). */
export async function schemaErrors(manifest: Manifest): Promise<string[]> {
  const module = (await import(modelModule(manifest))) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const Model = module[manifest.kind];
  if (!Model) return [`no model for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(manifest.body).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Unknown-key and type errors of every object, from `tsc` checking each object literal against
 * its `kubernetes-models` interface. Returns tsc's diagnostics (empty when all are clean).
 */
export function strictErrors(manifests: readonly Manifest[], workDir: string): string[] {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const lines = manifests.map((m, i) => {
    const where = `${relative(ROOT, m.file)}#${m.index}`;
    return `import type { I${m.kind} as T${i} } from '${modelModule(m)}';\n// ${where}\nexport const m${i}: T${i} = ${JSON.stringify(m.body, null, 2)};`;
  });
  writeFileSync(join(workDir, 'manifests.ts'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['manifests.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', workDir], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return [];
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? String(error);
    return out.split('\n').filter((line) => line.includes('error TS'));
  }
}
