// Zhuchao's small page helpers. Pages work without this file; it only adds comfort.
(function () {
  "use strict";
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var msg = f && f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Select the whole one-time secret with one click, for copying.
  document.addEventListener("click", function (e) {
    var el = e.target;
    if (el && el.closest && el.closest(".secret code")) {
      var r = document.createRange();
      r.selectNodeContents(el);
      var s = window.getSelection();
      s.removeAllRanges();
      s.addRange(r);
    }
  });
})();
