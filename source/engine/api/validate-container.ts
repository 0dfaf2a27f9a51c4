import type {FieldError} from '../errors.js';
import {isQuantity, parseQuantity} from './quantity.js';
import {unsupported, validateDNS1123Label, validateDNS1123Subdomain, validateLabelKey, validateLabels, validateLabelValue, validatePortName} from './validate-metadata.js';

/**
 * The checks of a container and of a pod spec's own fields that the API
 * server's `validateContainers` and `ValidatePodSpec` make after defaulting
 * (`pkg/apis/core/validation/validation.go`): probes and lifecycle hooks,
 * ports, environment, pull and termination-message policies, resources,
 * the DNS policy, node selector, tolerations and names. A field defaulting
 * always sets is checked only when it holds something else. Values are read
 * loosely: they may come from a damaged state file.
 */

type Loose = Record<string, any>;

const invalid = (field: string, value: unknown, detail: string): FieldError => ({field, type: 'Invalid value', value, detail});
const required = (field: string, detail = ''): FieldError => ({field, type: 'Required value', detail});
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The protocols a port speaks (`supportedPortProtocols`, sorted as the message lists them). */
export const portProtocols = ['SCTP', 'TCP', 'UDP'];

/** The effects a taint has and a toleration tolerates (`validateTaintEffect`). */
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A text field of a Go struct as `%#v` prints it: quoted, the empty text when unset. */
const goText = (value: unknown) => JSON.stringify(typeof value === 'string' ? value : '');

/** `ValidateNonnegativeField` on an optional integer. */
function nonnegative(value: unknown, field: string): FieldError[] {
	return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** `IsValidPortNum`. */
function portNumErrors(port: number): string[] {
	return port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** `ValidatePortNumOrName`: a number in range or an IANA service name. */
function portNumOrName(port: unknown, field: string): FieldError[] {
	if (typeof port === 'number') return portNumErrors(port).map(detail => invalid(field, port, detail));
	if (typeof port === 'string') return validatePortName(port).map(detail => invalid(field, port, detail));
	// No port decodes to the number 0.
	return portNumErrors(0).map(detail => invalid(field, 0, detail));
}

/** `validateHandler`: exactly one of the handler types, the first one's fields checked, every later one refused. */
function validateHandler(handler: Loose, field: string, types: readonly string[]): FieldError[] {
	const errors: FieldError[] = [];
	let found = false;
	for (const type of types) {
		const action = handler[type];
		if (action === undefined || action === null) continue;
		if (found) {
			errors.push({field: `${field}.${type}`, type: 'Forbidden', detail: 'may not specify more than 1 handler type'});
			continue;
		}
		found = true;
		const at = `${field}.${type}`;
		if (type === 'exec' && listOf(action['command']).length === 0) errors.push(required(`${at}.command`));
		if (type === 'httpGet') {
			// No path and no scheme are defaulted (`/`, HTTP: SetDefaults_HTTPGetAction, a hook's too), so only a scheme given is judged.
			errors.push(...portNumOrName(action['port'], `${at}.port`));
			const scheme = action['scheme'];
			if (scheme !== undefined && scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS') errors.push(unsupported(`${at}.scheme`, scheme, ['HTTP', 'HTTPS']));
		}
		if (type === 'tcpSocket' || type === 'grpc') errors.push(...portNumOrName(action['port'], `${at}.port`));
		if (type === 'sleep' && typeof action['seconds'] === 'number' && action['seconds'] < 0) errors.push(invalid(`${at}.seconds`, action['seconds'], 'must be greater than or equal to 0'));
	}
	if (!found) errors.push(required(field, 'must specify a handler type'));
	return errors;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const lifecycleHandlers = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

/** `validateProbe`. */
function validateProbe(probe: unknown, field: string): FieldError[] {
	if (!isObject(probe)) return [];
	const errors = validateHandler(probe, field, probeHandlers);
	for (const name of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errors.push(...nonnegative(probe[name], `${field}.${name}`));
	const grace = probe['terminationGracePeriodSeconds'];
	if (typeof grace === 'number' && grace <= 0) errors.push(invalid(`${field}.terminationGracePeriodSeconds`, grace, 'must be greater than 0'));
	return errors;
}

/** `IsEnvVarName` as the RelaxedEnvironmentVariableValidation gate (on by default) has it: printable ASCII but `=`. */
function envVarNameErrors(name: string): string[] {
	return /^[\x20-\x3c\x3e-\x7e]+$/.test(name) ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

/** `ValidateEnv` and `validateEnvVarValueFrom`. */
function validateEnv(env: unknown, field: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const [i, variable] of listOf(env).entries()) {
		const at = `${field}[${i}]`;
		if (!isObject(variable)) continue;
		const name = variable['name'];
		if (typeof name !== 'string' || name === '') errors.push(required(`${at}.name`));
		else errors.push(...envVarNameErrors(name).map(detail => invalid(`${at}.name`, name, detail)));
		const from = variable['valueFrom'];
		if (!isObject(from)) continue;
		const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter(key => from[key] !== undefined && from[key] !== null).length;
		if (sources === 0) errors.push(invalid(`${at}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
		else if (typeof variable['value'] === 'string' && variable['value'] !== '') errors.push(invalid(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty'));
		else if (sources > 1) errors.push(invalid(`${at}.valueFrom`, '', 'may not have more than one field specified at a time'));
	}
	return errors;
}

/** `ValidateEnvFrom`. */
function validateEnvFrom(envFrom: unknown, field: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const [i, source] of listOf(envFrom).entries()) {
		if (!isObject(source)) continue;
		const prefix = source['prefix'];
		if (typeof prefix === 'string' && prefix !== '') errors.push(...envVarNameErrors(prefix).map(detail => invalid(`${field}[${i}].prefix`, prefix, detail)));
		const sources = ['configMapRef', 'secretRef'].filter(key => source[key] !== undefined && source[key] !== null).length;
		if (sources === 0) errors.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
		else if (sources > 1) errors.push(invalid(field, '', 'may not have more than one field specified at a time'));
	}
	return errors;
}

/** `validateContainerPorts`: names unique IANA service names, numbers in range, a supported protocol. */
function validatePorts(ports: unknown, field: string): FieldError[] {
	const errors: FieldError[] = [];
	const names = new Set<string>();
	for (const [i, port] of listOf(ports).entries()) {
		if (!isObject(port)) continue;
		const at = `${field}[${i}]`;
		const name = port['name'];
		if (typeof name === 'string' && name !== '') {
			const nameErrors = validatePortName(name);
			if (nameErrors.length > 0) errors.push(...nameErrors.map(detail => invalid(`${at}.name`, name, detail)));
			else if (names.has(name)) errors.push({field: `${at}.name`, type: 'Duplicate value', value: name, detail: ''});
			else names.add(name);
		}
		const containerPort = port['containerPort'];
		if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) errors.push(invalid(`${at}.containerPort`, containerPort, 'must be between 1 and 65535, inclusive'));
		const hostPort = port['hostPort'];
		if (typeof hostPort === 'number' && hostPort !== 0) errors.push(...portNumErrors(hostPort).map(detail => invalid(`${at}.hostPort`, hostPort, detail)));
		const protocol = port['protocol'];
		if (protocol !== undefined && !portProtocols.includes(protocol)) errors.push(unsupported(`${at}.protocol`, protocol, portProtocols));
	}
	return errors;
}

/** The resources a container may ask for by a plain name (`IsStandardContainerResourceName`). */
function isStandardContainerResource(name: string): boolean {
	return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
}

/** `ValidateResourceRequirements`: standard names, no negative quantity, no request over its limit. */
function validateResources(resources: unknown, field: string): FieldError[] {
	if (!isObject(resources)) return [];
	const errors: FieldError[] = [];
	const limits = isObject(resources['limits']) ? resources['limits'] : {};
	const requests = isObject(resources['requests']) ? resources['requests'] : {};
	const check = (section: string, name: string, quantity: unknown) => {
		const at = `${field}.${section}[${name}]`;
		if (!isQuantity(quantity)) {
			errors.push(invalid(at, quantity, 'must be a valid quantity'));
			return undefined;
		}
		if (!name.includes('/') && !isStandardContainerResource(name)) errors.push(invalid(at, name, 'must be a standard resource for containers'));
		const value = parseQuantity(quantity as string);
		if (value !== undefined && value < 0) errors.push(invalid(at, String(quantity), 'must be greater than or equal to 0'));
		return value;
	};
	for (const [name, quantity] of Object.entries(limits)) check('limits', name, quantity);
	for (const [name, quantity] of Object.entries(requests)) {
		const value = check('requests', name, quantity);
		const limit = parseQuantity(limits[name] as string);
		if (value !== undefined && limit !== undefined && value > limit) errors.push(invalid(`${field}.requests`, String(quantity), `must be less than or equal to ${name} limit of ${String(limits[name])}`));
	}
	return errors;
}

/**
 * What `validateContainers` checks of one container after its name and
 * image, in its order: hooks, probes, the termination-message policy,
 * ports, environment, the volume mounts (of the pod's `volumeNames`), pull policy, resources, the restart policy (a sidecar's
 * `Always`, on init containers only). An init container that is no sidecar
 * may have no probe or hook.
 */
export function validateContainerFields(container: Loose, field: string, init: boolean, volumeNames: ReadonlySet<string>): FieldError[] {
	const errors: FieldError[] = [];
	// Only a sidecar (an init container that restarts) may have hooks and probes; another init container's are refused at the end, unread.
	const plainInit = init && container['restartPolicy'] !== 'Always';
	if (!plainInit) errors.push(...validateHooksAndProbes(container, field));
	const policy = container['terminationMessagePolicy'];
	if (policy !== undefined && policy !== 'File' && policy !== 'FallbackToLogsOnError') {
		errors.push(policy === '' ? required(`${field}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'") : invalid(`${field}.terminationMessagePolicy`, policy, "must be 'File' or 'FallbackToLogsOnError'"));
	}
	if (!plainInit) errors.push(...validateProbe(container['readinessProbe'], `${field}.readinessProbe`));
	errors.push(...validatePorts(container['ports'], `${field}.ports`));
	errors.push(...validateEnv(container['env'], `${field}.env`));
	errors.push(...validateEnvFrom(container['envFrom'], `${field}.envFrom`));
	errors.push(...validateVolumeMounts(container['volumeMounts'], `${field}.volumeMounts`, volumeNames));
	const pull = container['imagePullPolicy'];
	if (pull !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(pull)) {
		errors.push(pull === '' ? required(`${field}.imagePullPolicy`) : unsupported(`${field}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
	}
	errors.push(...validateResources(container['resources'], `${field}.resources`));
	errors.push(...validateSecurityIds(container['securityContext'], `${field}.securityContext`));
	const restart = container['restartPolicy'];
	if (!init && restart !== undefined && restart !== null) errors.push({field: `${field}.restartPolicy`, type: 'Forbidden', detail: 'may not be set for non-init containers'});
	if (init && restart !== undefined && restart !== null && restart !== 'Always') errors.push(unsupported(`${field}.restartPolicy`, restart, ['Always']));
	if (plainInit) {
		for (const name of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
			if (container[name] !== undefined && container[name] !== null) errors.push({field: `${field}.${name}`, type: 'Forbidden', detail: 'may not be set for init containers without restartPolicy=Always'});
		}
	}
	return errors;
}

/** A container's hooks and its liveness and startup probes, then what only readiness probes may not have (the readiness probe itself is checked after the termination-message policy, as upstream does). */
function validateHooksAndProbes(container: Loose, field: string): FieldError[] {
	const errors: FieldError[] = [];
	const lifecycle = container['lifecycle'];
	if (isObject(lifecycle)) {
		for (const hook of ['postStart', 'preStop']) {
			if (isObject(lifecycle[hook])) errors.push(...validateHandler(lifecycle[hook], `${field}.lifecycle.${hook}`, lifecycleHandlers));
		}
	}
	errors.push(...validateProbe(container['livenessProbe'], `${field}.livenessProbe`));
	const readiness = container['readinessProbe'];
	if (isObject(readiness) && readiness['terminationGracePeriodSeconds'] !== undefined && readiness['terminationGracePeriodSeconds'] !== null) {
		errors.push(invalid(`${field}.readinessProbe.terminationGracePeriodSeconds`, readiness['terminationGracePeriodSeconds'], 'must not be set for readinessProbes'));
	}
	errors.push(...validateProbe(container['startupProbe'], `${field}.startupProbe`));
	for (const probe of ['livenessProbe', 'startupProbe']) {
		const threshold = isObject(container[probe]) ? container[probe]['successThreshold'] : undefined;
		if (threshold !== undefined && threshold !== 1) errors.push(invalid(`${field}.${probe}.successThreshold`, threshold, 'must be 1'));
	}
	return errors;
}

/**
 * `ValidateVolumeMounts`: each mount names one of the pod's volumes, and a
 * sub-path stays inside it; then each has a path, each path once.
 */
function validateVolumeMounts(mounts: unknown, field: string, volumeNames: ReadonlySet<string>): FieldError[] {
	const errors: FieldError[] = [];
	for (const [i, mount] of listOf(mounts).entries()) {
		if (!isObject(mount)) continue;
		if (!volumeNames.has(mount['name'])) errors.push({field: `${field}[${i}].name`, type: 'Not found', value: mount['name'], detail: ''});
		// validateLocalDescendingPath
		const subPath = mount['subPath'];
		if (typeof subPath === 'string' && subPath !== '') {
			const at = `${field}[${i}].subPath`;
			if (subPath.startsWith('/')) errors.push(invalid(at, subPath, 'must be a relative path'));
			if (subPath.split('/').includes('..')) errors.push(invalid(at, subPath, "must not contain '..'"));
		}
	}
	const paths = new Set<string>();
	for (const [i, mount] of listOf(mounts).entries()) {
		if (!isObject(mount)) continue;
		const path = mount['mountPath'];
		if (typeof path !== 'string' || path === '') errors.push(required(`${field}[${i}].mountPath`));
		if (typeof path === 'string' && paths.has(path)) errors.push(invalid(`${field}[${i}].mountPath`, path, 'must be unique'));
		if (typeof path === 'string') paths.add(path);
	}
	return errors;
}

/** A toleration as the API server prints its Go struct (`%#v`). */
function goToleration(toleration: Loose): string {
	const seconds = typeof toleration['tolerationSeconds'] === 'number' ? `(*int64)(${toleration['tolerationSeconds']})` : '(*int64)(nil)';
	return `core.Toleration{Key:${goText(toleration['key'])}, Operator:${goText(toleration['operator'])}, Value:${goText(toleration['value'])}, Effect:${goText(toleration['effect'])}, TolerationSeconds:${seconds}}`;
}

/** `IsValidUserID` / `IsValidGroupID` of a security context's `runAsUser` and `runAsGroup`. */
function validateSecurityIds(context: unknown, field: string): FieldError[] {
	if (!isObject(context)) return [];
	const errors: FieldError[] = [];
	for (const name of ['runAsUser', 'runAsGroup']) {
		const id = context[name];
		if (typeof id === 'number' && (id < 0 || id > 2147483647)) errors.push(invalid(`${field}.${name}`, id, 'must be between 0 and 2147483647, inclusive'));
	}
	return errors;
}

/** `ValidateTolerations`. */
function validateTolerations(tolerations: unknown, field: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const [i, toleration] of listOf(tolerations).entries()) {
		if (!isObject(toleration)) continue;
		const at = `${field}[${i}]`;
		const key = typeof toleration['key'] === 'string' ? toleration['key'] : '';
		const operator = toleration['operator'] ?? '';
		const value = typeof toleration['value'] === 'string' ? toleration['value'] : '';
		const effect = toleration['effect'] ?? '';
		if (key !== '') errors.push(...validateLabelKey(key).map(detail => invalid(`${at}.key`, key, detail)));
		if (key === '' && operator !== 'Exists') errors.push(invalid(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
		if (toleration['tolerationSeconds'] !== undefined && toleration['tolerationSeconds'] !== null && effect !== 'NoExecute') {
			errors.push(invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
		}
		if (operator === 'Equal' || operator === '') {
			const valueErrors = validateLabelValue(value);
			if (valueErrors.length > 0) errors.push(invalid(`${at}.operator`, value, valueErrors.join(';')));
		} else if (operator === 'Exists') {
			if (value !== '') errors.push({...invalid(`${at}.operator`, toleration, "value must be empty when `operator` is 'Exists'"), shown: goToleration(toleration)});
		} else {
			errors.push(unsupported(`${at}.operator`, operator, ['Equal', 'Exists']));
		}
		if (effect !== '' && !taintEffects.includes(effect)) errors.push(unsupported(`${at}.effect`, effect, taintEffects));
	}
	return errors;
}

/**
 * What `ValidatePodSpec` checks of the spec's own fields, after its volumes
 * and containers and restart policy: the DNS policy, the node selector, the
 * security context's ids, with the host's network ports that match the
 * host's, the service account's name, the deadline, the host and subdomain
 * names, the tolerations.
 */
export function validatePodSpecFields(spec: Loose, field: string): FieldError[] {
	const errors: FieldError[] = [];
	const dnsPolicy = spec['dnsPolicy'];
	const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
	if (dnsPolicy !== undefined && !dnsPolicies.includes(dnsPolicy)) errors.push(dnsPolicy === '' ? required(`${field}.dnsPolicy`) : unsupported(`${field}.dnsPolicy`, dnsPolicy, dnsPolicies));
	if (isObject(spec['nodeSelector'])) errors.push(...validateLabels(spec['nodeSelector'], `${field}.nodeSelector`));
	errors.push(...validateSecurityIds(spec['securityContext'], `${field}.securityContext`));
	if (spec['hostNetwork'] === true) {
		for (const [ci, container] of listOf(spec['containers']).entries()) {
			for (const [pi, port] of listOf(isObject(container) ? container['ports'] : undefined).entries()) {
				// Defaulting gives a port without a host port its container port.
				if (!isObject(port)) continue;
				const hostPort = port['hostPort'];
				if (typeof hostPort === 'number' && hostPort !== 0 && hostPort !== port['containerPort']) {
					errors.push(invalid(`${field}.containers[${ci}].ports[${pi}].containerPort`, port['containerPort'], 'must match `hostPort` when `hostNetwork` is true'));
				}
			}
		}
	}
	const account = spec['serviceAccountName'];
	if (typeof account === 'string' && account !== '') errors.push(...validateDNS1123Subdomain(account).map(detail => invalid(`${field}.serviceAccountName`, account, detail)));
	const deadline = spec['activeDeadlineSeconds'];
	if (typeof deadline === 'number' && (deadline < 1 || deadline > 2147483647)) errors.push(invalid(`${field}.activeDeadlineSeconds`, deadline, 'must be between 1 and 2147483647, inclusive'));
	for (const name of ['hostname', 'subdomain']) {
		const value = spec[name];
		if (typeof value === 'string' && value !== '') errors.push(...validateDNS1123Label(value).map(detail => invalid(`${field}.${name}`, value, detail)));
	}
	errors.push(...validateTolerations(spec['tolerations'], `${field}.tolerations`));
	return errors;
}

/** A taint as the API server prints its Go struct (`%#v`); a time added, which Go shows as a pointer's address, as its text. */
function goTaint(taint: Loose): string {
	return `core.Taint{Key:${goText(taint['key'])}, Value:${goText(taint['value'])}, Effect:${goText(taint['effect'])}, TimeAdded:${typeof taint['timeAdded'] === 'string' ? goText(taint['timeAdded']) : '(*v1.Time)(nil)'}}`;
}

/** `validateNodeTaints`: a label key and value, a known effect, one taint a key and effect. */
export function validateNodeTaints(taints: unknown, field: string): FieldError[] {
	const errors: FieldError[] = [];
	const seen = new Set<string>();
	for (const [i, taint] of listOf(taints).entries()) {
		if (!isObject(taint)) continue;
		const at = `${field}[${i}]`;
		const key = typeof taint['key'] === 'string' ? taint['key'] : '';
		errors.push(...validateLabelKey(key).map(detail => invalid(`${at}.key`, key, detail)));
		const value = typeof taint['value'] === 'string' ? taint['value'] : '';
		const valueErrors = validateLabelValue(value);
		if (valueErrors.length > 0) errors.push(invalid(`${at}.value`, value, valueErrors.join(';')));
		const effect = taint['effect'] ?? '';
		if (effect === '') errors.push(required(`${at}.effect`));
		else if (!taintEffects.includes(effect)) errors.push(unsupported(`${at}.effect`, effect, taintEffects));
		const pair = `${effect}\u0000${key}`;
		if (seen.has(pair)) {
			errors.push({field: at, type: 'Duplicate value', value: taint, shown: goTaint(taint), detail: 'taints must be unique by key and effect pair'});
			continue;
		}
		seen.add(pair);
	}
	return errors;
}

/** `ValidateLeaseSpec`: a positive duration, no negative count of transitions. */
export function validateLeaseSpec(spec: unknown, field: string): FieldError[] {
	if (!isObject(spec)) return [];
	const errors: FieldError[] = [];
	const duration = spec['leaseDurationSeconds'];
	if (typeof duration === 'number' && duration <= 0) errors.push(invalid(`${field}.leaseDurationSeconds`, duration, 'must be greater than 0'));
	errors.push(...nonnegative(spec['leaseTransitions'], `${field}.leaseTransitions`));
	return errors;
}
