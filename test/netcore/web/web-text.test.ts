// The web page's languages: Accept-Language, the ?lang= switch and its cookie decide;
// English and Persian catalogs have the same keys and placeholders; numbers, sizes and
// dates come out in each language's digits and calendar.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WEB_MESSAGES_EN, WEB_MESSAGES_FA } from '../../../extensions/netcore/src/web/messages';
import { chooseLanguage, languageFromAcceptLanguage, languageHref, webText } from '../../../extensions/netcore/src/web/web-text';
import { compareCatalogs } from '../../support/catalog-check';

test('Persian has every English key, no other, with the same placeholders and plural forms', () => {
  assert.equal(compareCatalogs({ lang: 'en', messages: WEB_MESSAGES_EN }, { lang: 'fa', messages: WEB_MESSAGES_FA }), []);
});

test('every Persian message but the product name and the size units is written in Persian', () => {
  const untranslated = Object.entries(WEB_MESSAGES_FA)
    .filter(([key]) => key !== 'appName')
    .filter(([, m]) => !(typeof m === 'string' ? [m] : [m.one, m.other]).every((text) => /[\u0600-\u06FF]/.test(text)))
    .map(([key]) => key);
  assert.equal(untranslated, []);
});

test('Accept-Language: the best-ranked language we have, by quality then order', () => {
  assert.is(languageFromAcceptLanguage('fa-IR,fa;q=0.9,en-US;q=0.8'), 'fa');
  assert.is(languageFromAcceptLanguage('de-DE,de;q=0.9,fa;q=0.7,en;q=0.8'), 'en');
  assert.is(languageFromAcceptLanguage('en;q=0.2, FA;q=0.5'), 'fa');
  assert.is(languageFromAcceptLanguage('fa;q=0, en'), 'en', 'q=0 means not acceptable');
  assert.is(languageFromAcceptLanguage('de, fr'), undefined);
  assert.is(languageFromAcceptLanguage(''), undefined);
  assert.is(languageFromAcceptLanguage(undefined), undefined);
  assert.is(languageFromAcceptLanguage(';;;,,,q=,fa;q=abc'), undefined, 'garbage is ignored, not thrown');
  assert.is(languageFromAcceptLanguage(`${'xx,'.repeat(10_000)}fa`), undefined, 'only the first 32 ranges are read');
});

test('?lang= wins and leaves a cookie; then the cookie; then Accept-Language; then English', () => {
  const asked = chooseLanguage('q=photo&lang=fa', 'pss_lang=en', 'en');
  assert.is(asked.lang, 'fa');
  assert.match(asked.setCookie!, /^pss_lang=fa; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  assert.equal(chooseLanguage('', 'a=b; pss_lang=fa', 'en'), { lang: 'fa' });
  assert.equal(chooseLanguage('', undefined, 'fa-IR'), { lang: 'fa' });
  assert.equal(chooseLanguage('lang=de', 'pss_lang=xx', 'de'), { lang: 'en' }, 'unknown values fall through');
});

test('the switch keeps the rest of the address and replaces only lang', () => {
  assert.is(languageHref('/browse/docs/', 'q=report&lang=en', 'fa'), '/browse/docs/?q=report&lang=fa');
  assert.is(languageHref('/browse/', '', 'en'), '/browse/?lang=en');
  assert.is(languageHref('/browse/', 'lang&lang=fa&x=1', 'en'), '/browse/?x=1&lang=en');
});

test('numbers, sizes and dates in each language', () => {
  const en = webText('en');
  const fa = webText('fa');
  assert.is(en.counted(1, 2), '1 folder, 2 files');
  assert.is(fa.counted(1, 2), '۱ پوشه، ۲ فایل');
  assert.is(en.size(1536), '1.50 KiB');
  assert.is(fa.size(1536), '۱٫۵۰ کیلوبایت');
  assert.is(fa.size(1023), '۱٬۰۲۳ بایت');
  assert.is(en.serverFull(1), 'The server already has 1 client, its limit. Try again later.');
  assert.is(en.serverFull(10), 'The server already has 10 clients, its limit. Try again later.');
  assert.equal(en.date(Date.UTC(2024, 5, 1, 12, 30)), { iso: '2024-06-01T12:30:00.000Z', text: '2024-06-01 12:30 UTC' });
  assert.is(fa.date(Date.UTC(2024, 5, 1, 12, 30)).text, '۱۴۰۳/۰۳/۱۲ ۱۲:۳۰ UTC', '1 June 2024 is 12 Khordad 1403');
  assert.is(fa.lang, 'fa');
  assert.is(fa.dir, 'rtl');
});

test.run();
