// The desktop UI's entry point: the theme, the catalog's language and direction, the host,
// and the root element.
import { connectHost } from './app/host';
import { adoptThemeTokens, mountApp } from './app/mount';
import { catalog } from './i18n/i18n';

async function main(): Promise<void> {
  adoptThemeTokens();
  document.documentElement.lang = catalog().lang;
  document.documentElement.dir = catalog().dir;

  const { api, shell } = connectHost();
  await mountApp(api, shell);
}

void main();
