/**
 * The entry of the bundled app (dist/bundle/app.js, a classic script that
 * launcher.ts compiles with V8's code cache). `kubariumHost` is a parameter
 * of the function the bundle is wrapped in (scripts/bundle.mjs); the launcher
 * passes it. A failure rejects here and ends the process as an uncaught error
 * would.
 */
import {main, type StartHost} from '../main.js';
import {loadYogaOnce} from './yoga.js';

declare const kubariumHost: StartHost;

void main({...kubariumHost, prepareUi: loadYogaOnce});
