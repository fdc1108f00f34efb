/* The desk's paper pages (receipt, refusal, completion request): shows the "Print" button,
   which is hidden without JavaScript (the page then says to use the browser's Print command).
   A static file, not an inline script: the Content-Security-Policy allows no inline script
   (docs/adr/0037). */
(function () {
  "use strict";
  function ready() {
    var button = document.getElementById("print-button");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
