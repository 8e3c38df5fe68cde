// The desktop UI's entry point: the theme, the catalog's language and direction, the host,
// and the root element.
import { connectHost } from './app/host';
import { createServices } from './app/services';
import { AppController } from './controllers/app-controller';
import { catalog } from './i18n/i18n';
import { themeTokens } from './styles/theme';
import './views/app-view';

async function main(): Promise<void> {
  const sheet = themeTokens.styleSheet;
  if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  document.documentElement.lang = catalog().lang;
  document.documentElement.dir = catalog().dir;

  const { api, shell } = connectHost();
  const services = await createServices(api, shell);
  const app = new AppController(api, shell, services.settings);
  const root = document.createElement('pss-app');
  root.services = services;
  root.app = app;
  document.body.replaceChildren(root);
  await app.start();
}

void main();
