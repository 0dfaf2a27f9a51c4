/** Every action and special view of the details part, registered for their side effect. */
import './common.js';
import './workloads.js';
import './nodes.js';
import './runtime.js';
import '../xray/xray-page.js';
import '../pulse/pulse-page.js';
