import type { TokenService } from '../token-service/startTokenService.js';
import { createApiTokenDemo } from './apiTokenDemo.js';
import type { DemoRotation } from './DemoRotation.js';
import { randomValueDemo } from './randomValueDemo.js';

export interface DemoServices {
  readonly tokenService: TokenService;
}

/** Every demo `npm start` runs; each target adds its own. */
export function demoRotations(services: DemoServices): readonly DemoRotation[] {
  return [randomValueDemo, createApiTokenDemo(services.tokenService)];
}
