// A faithful Neutralino 5.5 test host: see host.ts.
export { NeutralinoHost } from './host';
export type { DialogHandlers } from './native-methods';
export { REPO_ROOT } from './config';
export { testPageRoutes, TEST_PAGE_URL } from './test-page';
