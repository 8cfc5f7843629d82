/** deploy/k8s: every manifest is valid for Kubernetes, has no unknown keys, and says what operators rely on. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifests, schemaErrors, strictErrors, type Manifest } from './k8s-manifests.js';

const DIR = resolve(import.meta.dirname, '../k8s');
const WORK = resolve(import.meta.dirname, '../test-output/strict');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .map((f) => join(DIR, f));
const manifests = loadManifests(files);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

// Pod specs of workloads: CronJob → jobTemplate.spec.template.spec; Job, Deployment → template.spec.
type PodSpec = {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Array<{
    name: string;
    args?: string[];
    env?: Array<{ name: string; value?: string }>;
    envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
    securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  }>;
};
function podSpec(m: Manifest): PodSpec {
  const spec = m.body['spec'] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return m.kind === 'CronJob' ? spec['jobTemplate'].spec.template.spec : spec['template'].spec;
}

describe('Kubernetes manifests', () => {
  it('cover the fetcher and backfiller CronJobs, the webhook server, the Pushgateway and configuration', () => {
    expect(
      byKind('CronJob')
        .map((m) => m.body.metadata?.name)
        .sort(),
    ).toEqual(['ais-backfiller', 'lcs-fetcher', 'lcs-verify']);
    expect(
      byKind('Deployment')
        .map((m) => m.body.metadata?.name)
        .sort(),
    ).toEqual(['lcs-fetcher-server', 'pushgateway']);
    expect(
      byKind('Job')
        .map((m) => m.body.metadata?.name)
        .sort(),
    ).toEqual(['lcs-fetcher-first-fill', 'lcs-verify-scrub']);
    expect(byKind('Service')).toHaveLength(2);
    expect(byKind('ConfigMap')).toHaveLength(1);
    expect(byKind('Secret')).toHaveLength(1);
  });

  it('validate against the Kubernetes schemas', async () => {
    for (const m of manifests) expect(await schemaErrors(m), `${m.file}#${m.index}`).toEqual([]);
  });

  it('contain no unknown keys (strict check beyond the schemas)', () => {
    expect(strictErrors(manifests, WORK)).toEqual([]);
  }, 60_000);

  it('the strict check catches an unknown key the schemas accept', async () => {
    const [cronJob] = byKind('CronJob');
    if (!cronJob) throw new Error('no CronJob');
    const misspelt = structuredClone(cronJob.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    misspelt['spec'].jobTemplate.spec.activeDeadlineSecond = 10;
    const broken: Manifest = { ...cronJob, body: misspelt };
    expect(await schemaErrors(broken)).toEqual([]);
    const errors = strictErrors([broken], `${WORK}-negative`);
    expect(errors.join('\n')).toContain('activeDeadlineSecond');
  }, 60_000);

  it('run CronJobs one at a time, with deadlines, bounded retries and a graceful stop', () => {
    for (const m of byKind('CronJob')) {
      const spec = m.body['spec'] as {
        concurrencyPolicy: string;
        startingDeadlineSeconds?: number;
        jobTemplate: { spec: { activeDeadlineSeconds?: number; backoffLimit?: number } };
      };
      expect(spec.concurrencyPolicy, m.file).toBe('Forbid');
      expect(spec.startingDeadlineSeconds, m.file).toBeGreaterThan(0);
      expect(spec.jobTemplate.spec.activeDeadlineSeconds, m.file).toBeGreaterThan(0);
      expect(spec.jobTemplate.spec.backoffLimit, m.file).toBeLessThanOrEqual(2);
      expect(podSpec(m).terminationGracePeriodSeconds, m.file).toBeGreaterThanOrEqual(60);
    }
  });

  it('run every container as non-root without privilege escalation on a read-only root', () => {
    for (const m of [...byKind('CronJob'), ...byKind('Job'), ...byKind('Deployment')]) {
      const pod = podSpec(m);
      expect(pod.securityContext?.runAsNonRoot, m.file).toBe(true);
      for (const c of pod.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation, `${m.file} ${c.name}`).toBe(false);
        expect(c.securityContext?.readOnlyRootFilesystem, `${m.file} ${c.name}`).toBe(true);
      }
    }
  });

  it('take configuration from the ConfigMap and secrets from the Secret that exist', () => {
    const configMaps = new Set(byKind('ConfigMap').map((m) => m.body.metadata?.name));
    const secrets = new Set(byKind('Secret').map((m) => m.body.metadata?.name));
    const secretKeys = Object.keys(
      (byKind('Secret')[0]?.body['stringData'] as object | undefined) ?? {},
    );
    expect(secretKeys).toEqual(
      expect.arrayContaining([
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'LCS_WEBHOOK_SECRET',
        'AIS_GIT_TOKEN',
      ]),
    );
    const configData = (byKind('ConfigMap')[0]?.body['data'] ?? {}) as Record<string, string>;
    expect(Object.values(configData).join('\n')).not.toMatch(/secret|password|token=/i);
    for (const m of [...byKind('CronJob'), ...byKind('Job'), ...byKind('Deployment')].filter(
      (w) => w.body.metadata?.name !== 'pushgateway',
    )) {
      for (const c of podSpec(m).containers) {
        const refs = c.envFrom ?? [];
        expect(
          refs.some((r) => r.configMapRef && configMaps.has(r.configMapRef.name)),
          `${m.file} ConfigMap`,
        ).toBe(true);
        expect(
          refs.some((r) => r.secretRef && secrets.has(r.secretRef.name)),
          `${m.file} Secret`,
        ).toBe(true);
      }
    }
  });

  it('run the webhook server as a fleet that always has a ready replica', () => {
    const server = byKind('Deployment').find((m) => m.body.metadata?.name === 'lcs-fetcher-server');
    const spec = server?.body['spec'] as {
      replicas: number;
      strategy: { type: string; rollingUpdate?: { maxUnavailable?: number } };
    };
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.strategy.type).toBe('RollingUpdate');
    expect(spec.strategy.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it.each([
    ['lcs-fetcher-first-fill', 'sync'],
    ['lcs-verify-scrub', 'verify'],
  ])(
    '%s: an Indexed Job whose shard count is its completions, each index retried alone',
    (name, command) => {
      const job = byKind('Job').find((m) => m.body.metadata?.name === name);
      if (!job) throw new Error(`no Job ${name}`);
      const spec = job.body['spec'] as {
        completionMode: string;
        completions: number;
        parallelism: number;
        backoffLimitPerIndex?: number;
        activeDeadlineSeconds?: number;
      };
      expect(spec.completionMode).toBe('Indexed');
      expect(spec.parallelism).toBeLessThanOrEqual(spec.completions);
      expect(spec.backoffLimitPerIndex).toBeGreaterThan(0);
      expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
      const [container] = podSpec(job).containers;
      const env = new Map((container?.env ?? []).map((e) => [e.name, e.value]));
      expect(Number(env.get('LCS_SHARD_COUNT'))).toBe(spec.completions);
      expect(container?.args).toContain(command);
      // Pods of one fill run on any node at once: no ReadWriteOnce claim shared between them.
      const volumes = (job.body['spec'] as { template: { spec: { volumes: object[] } } }).template
        .spec.volumes;
      expect(volumes.every((v) => !('persistentVolumeClaim' in v))).toBe(true);
    },
  );

  it('give the fetcher only flags its own command line accepts (a misspelt flag exits 2)', () => {
    const main = resolve(import.meta.dirname, '../../apps/fetcher/dist/main.js');
    // `--help` after the manifest's arguments: the command line is parsed, nothing runs.
    const status = (args: string[]) =>
      spawnSync(process.execPath, [main, ...args, '--help'], { stdio: 'ignore' }).status;
    let checked = 0;
    for (const m of [...byKind('CronJob'), ...byKind('Job'), ...byKind('Deployment')]) {
      for (const c of podSpec(m).containers) {
        const args = c.args ?? [];
        if (args[0] !== 'apps/fetcher/dist/main.js') continue;
        expect(status(args.slice(1)), `${m.file} ${c.name}`).toBe(0);
        checked++;
      }
    }
    expect(checked).toBe(5);
    expect(status(['serve', '--augmented-index-dirr', '/x'])).toBe(2);
  });

  it('are all listed in kustomization.yaml, except the example Secret and the one-off Jobs (fill, scrub)', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const known = new Set([
      'apiVersion',
      'kind',
      'namespace',
      'resources',
      'images',
      'labels',
      'patches',
      'configMapGenerator',
      'secretGenerator',
    ]);
    expect(Object.keys(kustomization).filter((k) => !known.has(k))).toEqual([]);
    const listed = (kustomization['resources'] as string[]).sort();
    const present = readdirSync(DIR)
      .filter(
        (f) =>
          f.endsWith('.yaml') &&
          ![
            'kustomization.yaml',
            'secrets.example.yaml',
            'fetcher-first-fill-job.yaml',
            'verify-scrub-job.yaml',
          ].includes(f),
      )
      .sort();
    expect(listed).toEqual(present);
  });
});
