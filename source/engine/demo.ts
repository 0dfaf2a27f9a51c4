/**
 * The default demo cluster the dashboard opens on: a small shop with a web
 * tier, an API, a replicated database, config, a batch job and one broken
 * Deployment to troubleshoot. Plain manifests, as `kubectl apply` takes them,
 * written as objects: parsing YAML costs start-up time the first frame waits for.
 */
import type {Manifest} from './api/types.js';

/** The Corefile kubeadm gives CoreDNS (kind's): the `coredns` ConfigMap's `Corefile`. */
export const corednsCorefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

export const demoManifests: Manifest[] = [
	{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}},
	{
		apiVersion: 'v1',
		kind: 'ConfigMap',
		metadata: {name: 'web-config', namespace: 'shop'},
		data: {LOG_LEVEL: 'info', UPSTREAM: 'http://api.shop.svc.cluster.local:8080'},
	},
	{
		apiVersion: 'v1',
		kind: 'Secret',
		metadata: {name: 'db-credentials', namespace: 'shop'},
		type: 'Opaque',
		stringData: {username: 'shop', password: 's3cr3t-demo'},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name: 'web',
			namespace: 'shop',
			labels: {app: 'web'},
			annotations: {'kubernetes.io/change-cause': 'initial release'},
		},
		spec: {
			replicas: 3,
			selector: {matchLabels: {app: 'web'}},
			template: {
				metadata: {labels: {app: 'web', tier: 'frontend'}},
				spec: {
					containers: [
						{
							name: 'nginx',
							image: 'nginx:1.25',
							ports: [
								{containerPort: 80},
							],
							envFrom: [
								{configMapRef: {name: 'web-config'}},
							],
							resources: {requests: {cpu: '100m', memory: '64Mi'}, limits: {memory: '128Mi'}},
							readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 5},
						},
					],
				},
			},
		},
	},
	{
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {name: 'web', namespace: 'shop'},
		spec: {
			type: 'LoadBalancer',
			selector: {app: 'web'},
			ports: [
				{port: 80, targetPort: 80},
			],
		},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name: 'api', namespace: 'shop', labels: {app: 'api'}},
		spec: {
			replicas: 2,
			selector: {matchLabels: {app: 'api'}},
			template: {
				metadata: {labels: {app: 'api', tier: 'backend'}},
				spec: {
					containers: [
						{
							name: 'api',
							image: 'httpd:2.4',
							ports: [
								{containerPort: 80},
							],
							env: [
								{
									name: 'DB_USER',
									valueFrom: {secretKeyRef: {name: 'db-credentials', key: 'username'}},
								},
							],
							resources: {requests: {cpu: '200m', memory: '128Mi'}},
						},
					],
				},
			},
		},
	},
	{
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {name: 'api', namespace: 'shop'},
		spec: {
			selector: {app: 'api'},
			ports: [
				{port: 8080, targetPort: 80},
			],
		},
	},
	{
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {name: 'db', namespace: 'shop', labels: {app: 'db'}},
		spec: {
			clusterIP: 'None',
			selector: {app: 'db'},
			ports: [
				{name: 'mysql', port: 3306},
			],
		},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		metadata: {name: 'db', namespace: 'shop'},
		spec: {
			serviceName: 'db',
			replicas: 3,
			selector: {matchLabels: {app: 'db'}},
			template: {
				metadata: {labels: {app: 'db'}},
				spec: {
					containers: [
						{
							name: 'mysql',
							image: 'mysql:8.0',
							env: [
								{name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1'},
							],
							ports: [
								{name: 'mysql', containerPort: 3306},
							],
							volumeMounts: [
								{name: 'data', mountPath: '/var/lib/mysql'},
							],
							resources: {requests: {cpu: '250m', memory: '256Mi'}},
						},
					],
				},
			},
			volumeClaimTemplates: [
				{
					metadata: {name: 'data'},
					spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}},
				},
			],
		},
	},
	{
		apiVersion: 'batch/v1',
		kind: 'CronJob',
		metadata: {name: 'nightly-report', namespace: 'shop'},
		spec: {
			schedule: '*/5 * * * *',
			jobTemplate: {
				spec: {
					template: {
						spec: {
							restartPolicy: 'OnFailure',
							containers: [
								{
									name: 'report',
									image: 'busybox:1.36',
									command: ['sh', '-c', 'echo building report; sleep 20; echo done'],
								},
							],
						},
					},
				},
			},
		},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name: 'worker',
			namespace: 'shop',
			labels: {app: 'worker'},
			annotations: {'kubernetes.io/change-cause': 'bump redis'},
		},
		spec: {
			replicas: 1,
			selector: {matchLabels: {app: 'worker'}},
			template: {
				metadata: {labels: {app: 'worker'}},
				spec: {
					containers: [
						{name: 'redis', image: 'redis:7.9-typo'},
					],
				},
			},
		},
	},
	// CoreDNS's account, and the role kubeadm binds it to: it lists and watches what it answers for.
	{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'coredns', namespace: 'kube-system'}},
	{
		apiVersion: 'rbac.authorization.k8s.io/v1',
		kind: 'ClusterRole',
		metadata: {name: 'system:coredns'},
		rules: [
			{apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch']},
			{apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch']},
		],
	},
	{
		apiVersion: 'rbac.authorization.k8s.io/v1',
		kind: 'ClusterRoleBinding',
		metadata: {name: 'system:coredns'},
		roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns'},
		subjects: [{kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system'}],
	},
	// CoreDNS's configuration as kubeadm writes it on kind: the pods read it at start (workloads/corefile.ts).
	{
		apiVersion: 'v1',
		kind: 'ConfigMap',
		metadata: {name: 'coredns', namespace: 'kube-system'},
		data: {Corefile: corednsCorefile},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name: 'coredns', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}},
		spec: {
			replicas: 2,
			strategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1}},
			selector: {matchLabels: {'k8s-app': 'kube-dns'}},
			template: {
				metadata: {labels: {'k8s-app': 'kube-dns'}},
				spec: {
					containers: [
						{
							name: 'coredns',
							image: 'registry.k8s.io/coredns/coredns:v1.11.3',
							args: ['-conf', '/etc/coredns/Corefile'],
							ports: [
								{name: 'dns', containerPort: 53, protocol: 'UDP'},
								{name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
								{name: 'metrics', containerPort: 9153, protocol: 'TCP'},
							],
							resources: {requests: {cpu: '100m', memory: '70Mi'}, limits: {memory: '170Mi'}},
							volumeMounts: [{name: 'config-volume', mountPath: '/etc/coredns', readOnly: true}],
							securityContext: {allowPrivilegeEscalation: false, capabilities: {add: ['NET_BIND_SERVICE'], drop: ['ALL']}, readOnlyRootFilesystem: true},
							livenessProbe: {httpGet: {path: '/health', port: 8080, scheme: 'HTTP'}, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5},
							readinessProbe: {httpGet: {path: '/ready', port: 8181, scheme: 'HTTP'}},
						},
					],
					volumes: [{name: 'config-volume', configMap: {name: 'coredns', items: [{key: 'Corefile', path: 'Corefile'}]}}],
					priorityClassName: 'system-cluster-critical',
					serviceAccountName: 'coredns',
					tolerations: [{key: 'CriticalAddonsOnly', operator: 'Exists'}, {key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}],
					nodeSelector: {'kubernetes.io/os': 'linux'},
					affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{
						weight: 100,
						podAffinityTerm: {labelSelector: {matchExpressions: [{key: 'k8s-app', operator: 'In', values: ['kube-dns']}]}, topologyKey: 'kubernetes.io/hostname'},
					}]}},
					dnsPolicy: 'Default',
				},
			},
		},
	},
	// What every pod's resolv.conf names: its lookups are answered while a CoreDNS pod is one of its ready endpoints (network/cluster-dns.ts).
	{
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {
			name: 'kube-dns', namespace: 'kube-system',
			labels: {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'},
			annotations: {'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true'},
		},
		spec: {
			clusterIP: '10.96.0.10',
			selector: {'k8s-app': 'kube-dns'},
			ports: [
				{name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
				{name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
				{name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
			],
		},
	},
];
