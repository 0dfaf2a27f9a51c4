import type {BenchSection} from './run.js';
import {section as engine} from './engine.js';
import {section as nodes} from './nodes.js';
import {section as storage} from './storage.js';
import {section as batch} from './batch.js';
import {section as ui, section100k as view100k} from './ui.js';
import {section as runtime} from './runtime.js';
import {section as details} from './details.js';
import {section as scaling} from './scaling.js';
import {section as terminal} from './terminal.js';
import {section as endpoints} from './endpoints.js';
import {section as scale} from './scale.js';
import {section as record} from './record.js';
import {section as snapshot} from './snapshot.js';
import {section as state} from './state.js';

/** Benchmark sections in the order they run; each lives in its own bench/*.ts module. */
export const sections: BenchSection[] = [engine, nodes, endpoints, storage, batch, ui, runtime, details, scaling, terminal, scale, view100k, record, snapshot, state];
