// A faithful Neutralino 5.5 test host: see host.ts.
export { NeutralinoHost, HOST_MAX_MESSAGE_BYTES, type NativeCall, type NeutralinoHostOptions, type SentMessage } from './host';
export type { DialogHandlers } from './native-methods';
export { REPO_ROOT, type NeutralinoConfig } from './config';
export { testPageRoutes, TEST_PAGE_URL } from './test-page';
