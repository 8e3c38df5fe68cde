// The page's one script, served as /assets/app.js and kept here as a string so that it
// travels inside the single bundle. ES5 on purpose (old phone browsers): no arrow
// functions, no let/const, no template strings. Everything it does is an extra: without
// it the pages still navigate, filter on submit and download.
export const PAGE_SCRIPT = `(function () {
  'use strict';
  var doc = document;
  function byId(id) { return doc.getElementById(id); }
  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i], i); }
  function show(el, on) { if (el) { if (on) el.removeAttribute('hidden'); else el.setAttribute('hidden', ''); } }

  each(doc.querySelectorAll('time[datetime]'), function (el) {
    var d = new Date(el.getAttribute('datetime'));
    if (!isNaN(d.getTime())) { el.title = el.textContent; el.textContent = d.toLocaleString(doc.documentElement.lang || undefined); }
  });

  var password = byId('password');
  var showPassword = byId('show-password');
  if (password && showPassword) {
    show(showPassword.parentNode, true);
    showPassword.addEventListener('change', function () { password.type = showPassword.checked ? 'text' : 'password'; });
  }

  var list = byId('list');
  if (!list) return;
  var rows = list.getElementsByTagName('li');
  var filter = byId('filter');
  var selectAll = byId('select-all');
  var empty = byId('empty');
  var notice = byId('notice');
  var form = byId('pick');
  var originalEmpty = empty ? empty.textContent : '';

  function boxOf(row) { return row.getElementsByTagName('input')[0]; }
  function visibleRows() {
    var out = [];
    each(rows, function (row) { if (!row.hasAttribute('hidden')) out.push(row); });
    return out;
  }
  function syncSelectAll() {
    if (!selectAll) return;
    var visible = visibleRows();
    var checked = 0;
    each(visible, function (row) { if (boxOf(row).checked) checked++; });
    selectAll.checked = visible.length > 0 && checked === visible.length;
    selectAll.indeterminate = checked > 0 && checked < visible.length;
    selectAll.disabled = visible.length === 0;
  }
  function applyFilter() {
    var q = filter ? filter.value.toLowerCase() : '';
    var shown = 0;
    each(rows, function (row) {
      var on = q === '' || (row.getAttribute('data-name') || '').indexOf(q) !== -1;
      show(row, on);
      if (on) shown++;
    });
    if (empty) {
      if (rows.length > 0) empty.textContent = originalEmpty;
      show(empty, shown === 0);
    }
    syncSelectAll();
  }

  if (filter) {
    show(byId('filter-button'), false);
    filter.addEventListener('input', applyFilter);
    filter.form.addEventListener('submit', function (e) { e.preventDefault(); applyFilter(); });
  }
  if (selectAll) {
    show(selectAll.parentNode, rows.length > 0);
    selectAll.addEventListener('change', function () {
      each(visibleRows(), function (row) { boxOf(row).checked = selectAll.checked; });
      syncSelectAll();
    });
  }
  list.addEventListener('change', function () { show(notice, false); syncSelectAll(); });
  if (form) {
    form.addEventListener('submit', function (e) {
      var any = false;
      each(rows, function (row) { if (boxOf(row).checked) any = true; });
      if (!any) { e.preventDefault(); show(notice, true); }
    });
  }
  applyFilter();
})();
`;
