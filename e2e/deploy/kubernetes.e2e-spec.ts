// deploy/kubernetes renders (kubectl kustomize, no cluster needed) and keeps the invariants a
// rolling restart and a secure install depend on, in every overlay.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const DIR = resolve(__dirname, '../../deploy/kubernetes');
const OVERLAYS = ['base', 'overlays/small', 'overlays/large'];
const SECRET_KEYS = [
  'ENCRYPTION_KEY',
  'DATABASE_URL',
  'DATABASE_DIRECT_URL',
  'REDIS_URL',
  'ADMIN_PASSWORD',
  'METRICS_TOKEN',
];

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
type Manifest = any;

function render(dir: string): Manifest[] {
  const yaml = execFileSync('kubectl', ['kustomize', join(DIR, dir)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((doc) => doc.toJS());
}

const one = (manifests: Manifest[], kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

const podContainers = (deployment: Manifest): Manifest[] => [
  ...(deployment.spec.template.spec.initContainers ?? []),
  ...deployment.spec.template.spec.containers,
];

describe.each(OVERLAYS)('kubectl kustomize deploy/kubernetes/%s', (overlay) => {
  const manifests = render(overlay);
  const config = one(manifests, 'ConfigMap', 'llm-gateway-config');
  const api = one(manifests, 'Deployment', 'llm-gateway-api');
  const worker = one(manifests, 'Deployment', 'llm-gateway-worker');
  const apiContainer = api.spec.template.spec.containers.find((c: Manifest) => c.name === 'api');

  it('probes the api: readiness at /ready, liveness at /health', () => {
    expect(apiContainer.readinessProbe.httpGet.path).toBe('/ready');
    expect(apiContainer.livenessProbe.httpGet.path).toBe('/health');
    expect(worker.spec.template.spec.containers[0].livenessProbe).toBeDefined();
  });

  it('gives a stopping api more time than its stream grace (plus the preStop pause)', () => {
    const graceMs = Number(config.data.SHUTDOWN_GRACE_MS);
    expect(graceMs).toBeGreaterThan(0);
    const preStop = apiContainer.lifecycle?.preStop?.exec?.command ?? [];
    const pauseMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
    expect(api.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(graceMs + pauseMs);
    expect(api.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('keeps secrets out of the ConfigMap and takes them from the Secret', () => {
    for (const key of SECRET_KEYS) expect(config.data).not.toHaveProperty(key);
    for (const value of Object.values<string>(config.data)) {
      expect(value).not.toMatch(/:\/\/[^/\s]*:[^@\s]*@/); // a URL with a password
      expect(value).not.toMatch(/^[0-9a-fA-F]{64}$/); // an encryption key
    }
    for (const deployment of [api, worker]) {
      for (const container of podContainers(deployment)) {
        expect(container.envFrom).toContainEqual({ secretRef: { name: 'llm-gateway-secrets' } });
        expect(JSON.stringify(container.env ?? [])).not.toMatch(/ENCRYPTION_KEY|DATABASE_URL|REDIS_URL/);
      }
    }
  });

  it('pins every image to a version tag and sets resources on every container', () => {
    for (const deployment of [api, worker]) {
      for (const container of podContainers(deployment)) {
        expect(container.image).toMatch(/^[^:]+:[0-9][\w.-]*$/);
        expect(container.image).not.toMatch(/:latest$/);
        expect(container.resources.requests.cpu).toBeDefined();
        expect(container.resources.requests.memory).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
      }
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
  });

  it('runs the migrations before the api serves, with the migrate command', () => {
    const [migrate] = api.spec.template.spec.initContainers;
    expect(migrate.args).toEqual(['migrate']);
    expect(migrate.image).toBe(apiContainer.image);
  });

  it('keeps SSE unbuffered and long-lived through the ingress', () => {
    const ingress = one(manifests, 'Ingress', 'llm-gateway');
    const annotations = ingress.metadata.annotations;
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(600);
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(600);
    const service = one(manifests, 'Service', 'llm-gateway-api');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(service.metadata.name);
    expect(service.spec.selector).toEqual(api.spec.selector.matchLabels);
  });

  it('has a PodDisruptionBudget and an HPA on the api', () => {
    const pdb = one(manifests, 'PodDisruptionBudget', 'llm-gateway-api');
    expect(pdb.spec.selector.matchLabels).toEqual(api.spec.selector.matchLabels);
    const hpa = one(manifests, 'HorizontalPodAutoscaler', 'llm-gateway-api');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'llm-gateway-api' });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    if (overlay === 'overlays/large') {
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(worker.spec.replicas).toBeGreaterThan(1);
    }
  });
});

describe('the Secret template', () => {
  it('names the keys the deployments read, and is not applied by the kustomization', () => {
    const template = parse(readFileSync(join(DIR, 'base/secret.template.yaml'), 'utf8'));
    expect(template.metadata.name).toBe('llm-gateway-secrets');
    expect(Object.keys(template.stringData).sort()).toEqual(['DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_URL']);
    expect(render('base').some((m) => m.kind === 'Secret')).toBe(false);
  });
});
