"""The one script of the report pages: one language at a time on the index, and a link to
the other language that lands on the same section. Light to import (the no-op rebuild
writes the index without importing Altair)."""

from __future__ import annotations

from .. import htmlsafe

_LANGUAGE_JS = """
(function(){
  var KEY = 'shanxi-analysis-lang';
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function remember(l) { try { localStorage.setItem(KEY, l); } catch (e) {} }
  var sections = document.querySelectorAll('[data-sx-lang]');
  if (sections.length) {
    var langs = navigator.languages || [navigator.language || ''];
    var want = stored() || (langs.some(function(l){ return /^zh/i.test(l); }) ? 'zh' : 'en');
    var show = function(l) {
      sections.forEach(function(s){ s.hidden = s.getAttribute('data-sx-lang') !== l; });
      document.documentElement.lang = l;
      document.querySelectorAll('[data-sx-set]').forEach(function(b){
        b.setAttribute('aria-pressed', String(b.getAttribute('data-sx-set') === l)); });
    };
    show(want === 'en' ? 'en' : 'zh');
    document.querySelectorAll('[data-sx-set]').forEach(function(b){
      b.addEventListener('click', function(){
        var l = b.getAttribute('data-sx-set'); remember(l); show(l); }); });
  } else {
    remember(document.documentElement.lang);
  }
  var other = document.querySelector('a[data-sx-other]');
  if (other) other.addEventListener('click', function(){
    remember(other.getAttribute('data-sx-other'));
    var current = null;
    document.querySelectorAll('a.sx-anchor[id]').forEach(function(a){
      if (a.getBoundingClientRect().top < 80) current = a.id; });
    other.href = other.href.split('#')[0] + (current ? '#' + current : '');
  });
})();
"""


def script() -> str:
    """Return the ``<script>`` element that shows the index in one language (the reader's
    last choice, else the browser's), remembers a choice, and sends the link to the other
    language of a report to the same section."""
    return htmlsafe.script(htmlsafe.js_for_script(_LANGUAGE_JS))
