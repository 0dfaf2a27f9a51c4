#!/usr/bin/env node
/**
 * kubarium from source (`npm run dev`, tests without a build): the whole
 * command line is main.tsx. The built app starts through the bundle's
 * launcher instead (source/start/launcher.ts).
 */
import {main} from './main.js';

await main();
