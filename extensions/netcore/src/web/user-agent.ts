// A short description of a browser from its User-Agent ("Chrome 120 on Android"), the
// name the administrator sees for a web session. Only the common cases are told apart;
// anything else keeps its first product token.
import { MAX_DISPLAY_NAME_CHARS } from '../constants';

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdgA?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/^curl\/([\d.]+)/, 'curl'],
  [/^Wget\/([\d.]+)/, 'Wget'],
  [/^aria2\/([\d.]+)/, 'aria2'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export function describeBrowser(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (ua === '') return 'unknown browser';
  let browser: string | undefined;
  for (const [pattern, name] of BROWSERS) {
    const m = pattern.exec(ua);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  browser ??= ua.split(/[\s/]/)[0]!.slice(0, 32);
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  const text = system ? `${browser} on ${system}` : browser;
  return text.slice(0, MAX_DISPLAY_NAME_CHARS);
}
