import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import type { LocalStack } from '../stack/startLocalStack.js';
import type { TokenService } from '../token-service/startTokenService.js';
import { createApiTokenDemo } from './apiTokenDemo.js';
import type { DemoRotation } from './DemoRotation.js';
import { createPostgresDemo } from './postgresDemo.js';
import { randomValueDemo } from './randomValueDemo.js';
import { createSampleApplicationDemo } from './sampleApplicationDemo.js';

export interface DemoServices {
  readonly stack: LocalStack;
  readonly tokenService: TokenService;
  /** Absent with --no-postgres: the Postgres demos are left out. */
  readonly postgres: LocalPostgres | undefined;
}

/** Every demo `npm start` runs; each target adds its own. */
export function demoRotations(services: DemoServices): readonly DemoRotation[] {
  return [
    randomValueDemo,
    createApiTokenDemo(services.tokenService),
    ...(services.postgres === undefined
      ? []
      : [
          createPostgresDemo(services.postgres, 'single-user'),
          createPostgresDemo(services.postgres, 'alternating-users'),
          createSampleApplicationDemo(services.stack, services.postgres, services.tokenService),
        ]),
  ];
}
