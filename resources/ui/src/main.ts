// The desktop UI's entry point: the theme and font, the host, and the root element (which
// puts the remembered or the system's language on the page).
import { connectHost } from './app/host';
import { adoptThemeTokens, mountApp } from './app/mount';

async function main(): Promise<void> {
  void adoptThemeTokens();

  const { api, shell } = connectHost();
  await mountApp(api, shell);
}

void main();
