/**
 * Test support: a CronJob whose pod template touches most of PodSpec. The capture server
 * serves it as JSON; `kubectl create job x --from=cronjob/rich` copies its job template into
 * a Job and sends that as protobuf, so field numbers across the whole pod spec get checked
 * against the real kubectl's encoder.
 */
export const richCronJob = {
  kind: 'CronJob',
  apiVersion: 'batch/v1',
  metadata: { name: 'rich', namespace: 'default', uid: '0d9c3c55-0000-4000-8000-000000000002', resourceVersion: '9', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    schedule: '0 * * * *',
    jobTemplate: {
      metadata: { labels: { tier: 'batch' }, annotations: { note: 'from template' } },
      spec: {
        parallelism: 2, completions: 4, backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 30,
        completionMode: 'Indexed', suspend: false,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }] },
        template: {
          metadata: { labels: { app: 'rich' } },
          spec: {
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 5,
            serviceAccountName: 'runner',
            automountServiceAccountToken: false,
            hostname: 'h', subdomain: 'sub', priorityClassName: 'high', schedulerName: 'default-scheduler',
            nodeSelector: { disk: 'ssd' },
            dnsPolicy: 'ClusterFirst',
            dnsConfig: { nameservers: ['10.43.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
            hostAliases: [{ ip: '127.0.0.2', hostnames: ['alias.local'] }],
            imagePullSecrets: [{ name: 'regcred' }],
            securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, runAsNonRoot: true, supplementalGroups: [3000], sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }], seccompProfile: { type: 'RuntimeDefault' } },
            tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } },
              podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['rich'] }] }, topologyKey: 'kubernetes.io/hostname' } }] },
            },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'rich' } } }],
            initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], resources: {} }],
            containers: [{
              name: 'main', image: 'busybox:1.36', command: ['sh'], args: ['-c', 'sleep 1'], workingDir: '/work',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, hostPort: 19090, hostIP: '127.0.0.1', protocol: 'UDP' }],
              env: [
                { name: 'PLAIN', value: 'x' },
                { name: 'EMPTY' },
                { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
                { name: 'MEM', valueFrom: { resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } } },
              ],
              envFrom: [{ prefix: 'S_', secretRef: { name: 'sec' } }],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: true, subPath: 'app' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 3, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
              startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 7 },
              lifecycle: { preStop: { exec: { command: ['sleep', '1'] } }, postStart: { httpGet: { path: '/started', port: 8080 } } },
              securityContext: { privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
              imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
              stdin: true, tty: true,
            }],
            volumes: [
              { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              { name: 'cfg', configMap: { name: 'cm', defaultMode: 420, items: [{ key: 'app.conf', path: 'app/app.conf', mode: 256 }] } },
              { name: 'sec', secret: { secretName: 'sec', optional: false } },
              { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
              { name: 'claim', persistentVolumeClaim: { claimName: 'pvc', readOnly: true } },
              { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
              { name: 'proj', projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }, { configMap: { name: 'cm' } }] } },
            ],
          },
        },
      },
    },
  },
};
