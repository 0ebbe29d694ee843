import { describeCachePolicies } from '#platform/testing/cache-policy';
import { MIGRATIONS_DIR } from '../../src/shared/paths.js';
import { appWithASignedInUser } from '../helpers/signed-in.js';

// What shared caches (a CDN, Nginx) may keep: every route of the OpenAPI document, walked anonymously
// and signed in (packages/platform/test/support/cache-policy.ts says what holds).
describeCachePolicies({ migrationsDir: MIGRATIONS_DIR, signedIn: appWithASignedInUser });
