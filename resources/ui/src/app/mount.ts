// Putting the app on the page: the theme's custom properties on the document, then the
// root element with its controller and services. The real host and the test page differ
// only in the engine and shell they pass.
import type { NetcoreApi } from '../../../../extensions/netcore/src/contract';
import { AppController } from '../controllers/app-controller';
import { loadBundledFont } from '../styles/fonts';
import { themeTokens } from '../styles/theme';
import '../views/app-view';
import { applyLanguage, startLanguage } from './language';
import { createServices } from './services';
import type { Shell } from './shell';

/** Adds the theme's custom properties to the document's style sheets and loads the bundled font. */
export function adoptThemeTokens(): Promise<boolean> {
  const sheet = themeTokens.styleSheet;
  if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return loadBundledFont();
}

/** Builds the services and the app controller, shows the root element, and starts the app. */
export async function mountApp(api: NetcoreApi, shell: Shell): Promise<AppController> {
  const services = await createServices(api, shell);
  applyLanguage(startLanguage(services.settings.value.language, navigator.languages ?? [navigator.language]));
  const app = new AppController(api, shell, services.settings);
  const root = document.createElement('pss-app');
  root.services = services;
  root.app = app;
  document.body.replaceChildren(root);
  await app.start();
  return app;
}
