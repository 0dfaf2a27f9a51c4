/**
 * The Endpoints and EndpointSlice objects (`core/v1` Endpoints,
 * `discovery.k8s.io/v1` EndpointSlice) that the endpoints controllers write.
 */
import type {KubeObject} from './types.js';

export type EndpointAddress = {
	ip: string;
	hostname?: string;
	nodeName?: string;
	targetRef: {kind: 'Pod'; namespace: string; name: string; uid: string};
};
export type EndpointPort = {name?: string; port: number; protocol: string; appProtocol?: string};
export type EndpointSubset = {addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[]};
export type Endpoints = KubeObject & {subsets?: EndpointSubset[]};

export type SliceEndpoint = {
	addresses: string[];
	conditions: {ready: boolean; serving: boolean; terminating: boolean};
	hostname?: string;
	nodeName?: string;
	zone?: string;
	targetRef: EndpointAddress['targetRef'];
};
export type EndpointSlice = KubeObject & {addressType: 'IPv4'; endpoints: SliceEndpoint[]; ports: EndpointPort[]};
