// @ts-check
// The processes a deployable may have, each started from its own entry point src/<name>.ts: the
// builder bundles those a deployable has (bundle.js), and only they may read process.env to hand it
// to the configuration loader (eslint-config.js).
export const PROCESSES = [
  'server',
  'consumer',
  'projector',
  'worker',
  'migrate',
  'rebuild-projections',
  'healthcheck',
  'telemetry',
];
