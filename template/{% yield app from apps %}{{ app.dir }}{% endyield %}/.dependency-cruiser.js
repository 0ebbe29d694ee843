// @ts-check
// The layer rules every deployable follows, written once in packages/platform/dependency-cruiser.js:
// `npm run lint` checks them, test/architecture/layers.test.ts proves they hold.
export { default } from '#platform/dependency-cruiser';
