// The desktop app's catalogs: Persian has exactly the keys and placeholders of English, is
// really translated, and plurals follow each language's rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catalog, englishCatalog, formatNumber, persianCatalog, setCatalog, t } from '../../../resources/ui/src/i18n/i18n';
import { compareCatalogs } from '../../support/catalog-check';

// Messages that are the same in both languages: the product's name, a file name, a format's
// name and messages that only pass on a detail.
const SAME_IN_BOTH = new Set([
  'app.name',
  'title.launcher',
  'logs.export.defaultName',
  'logs.export.csv',
  'error.PIN_MISMATCH',
  'error.BAD_ARGUMENT',
  'format.unknown',
  'notShared.item',
]);

test('Persian has every English key, no other, and the same placeholders', () => {
  assert.equal(compareCatalogs(englishCatalog, persianCatalog), []);
});

test('the comparison catches a missing key, an extra key and a changed placeholder', () => {
  const en = { lang: 'en', messages: { a: 'A {x}', b: 'B', c: { count: 'n', one: '{n} file', other: '{n} files' } } };
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {x}', b: 'ب', c: { count: 'n', one: '{n} فایل', other: '{n} فایل' } } }), []);
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {x}', c: { count: 'n', one: '{n} فایل', other: '{n} فایل' } } }), ['fa: missing key b']);
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {x}', b: 'ب', z: 'ز', c: { count: 'n', one: '{n} فایل', other: '{n} فایل' } } }), [
    'fa: extra key z',
  ]);
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {y}', b: 'ب', c: { count: 'n', one: '{n} فایل', other: '{n} فایل' } } }), [
    'fa: a: placeholders {y} differ from {x}',
  ]);
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {x}', b: 'ب', c: '{n} فایل' } }), ['fa: c: counted by nothing instead of n']);
  assert.equal(compareCatalogs(en, { lang: 'fa', messages: { a: 'الف {x}', b: 'ب', c: { count: 'n', other: '{n} فایل' } } }), ['fa: c: no "one" plural form']);
});

test('every Persian message is written in Persian', () => {
  const untranslated = Object.entries(persianCatalog.messages)
    .filter(([key]) => !SAME_IN_BOTH.has(key))
    .filter(([, message]) => {
      const texts = typeof message === 'string' ? [message] : [message.one ?? '', message.other];
      return !texts.every((text) => /[\u0600-\u06FF]/.test(text));
    })
    .map(([key]) => key);
  assert.equal(untranslated, []);
});

test('plural forms follow Intl.PluralRules in both languages', () => {
  const before = catalog();
  try {
    setCatalog(englishCatalog);
    assert.is(t('client.status.done', { files: 1, destination: '/dl' }), 'Downloaded 1 file to /dl.');
    assert.is(t('client.status.done', { files: 2, destination: '/dl' }), 'Downloaded 2 files to /dl.');
    assert.is(t('client.status.done', { files: 0, destination: '/dl' }), 'Downloaded 0 files to /dl.');
    assert.is(t('tree.folderSize', { files: 1000, size: '1 MiB' }), '1,000 files · 1 MiB');
    setCatalog(persianCatalog);
    assert.is(t('client.status.done', { files: 1, destination: '/dl' }), '۱ فایل در /dl دانلود شد.');
    assert.is(t('client.status.done', { files: 1234, destination: '/dl' }), '۱٬۲۳۴ فایل در /dl دانلود شد.');
    assert.is(formatNumber(42.5, 1), '۴۲٫۵');
  } finally {
    setCatalog(before);
  }
});

test.run();
