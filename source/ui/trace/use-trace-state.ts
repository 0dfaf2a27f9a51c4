import {useReducer} from 'react';
import {initialTraceState, traceReducer} from './trace-model.js';

export function useTraceState() {
	return useReducer(traceReducer, undefined, initialTraceState);
}
