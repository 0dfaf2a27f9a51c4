/**
 * What the dashboard uses of @kubernetes/client-node, in one place. The
 * bundle keeps it in a file of its own (dist/bundle/kubernetes-client.cjs,
 * scripts/bundle.mjs), loaded only when a real cluster is opened: the client
 * is a third of the app's code and the simulation never needs it.
 */
export {Exec, KubeConfig, ListWatch, Watch} from '@kubernetes/client-node';
