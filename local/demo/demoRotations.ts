import type { DemoRotation } from './DemoRotation.js';
import { randomValueDemo } from './randomValueDemo.js';

/** Every demo `npm start` runs; each later target adds its own. */
export const demoRotations: readonly DemoRotation[] = [randomValueDemo];
