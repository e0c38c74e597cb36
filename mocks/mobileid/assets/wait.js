// Long-poll: the server holds each request until the phone answers (or ~25 s pass), so the
// page moves on within milliseconds of the answer without polling on a timer.
(function () {
  "use strict";
  var root = document.getElementById("mid-waiting");
  var statusUrl = root.getAttribute("data-status-url");
  var continueUrl = root.getAttribute("data-continue-url");

  function pause(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  async function watch() {
    for (;;) {
      var answer;
      try {
        var response = await fetch(statusUrl, { cache: "no-store", credentials: "same-origin" });
        if (response.status >= 400 && response.status < 500) { window.location.replace(continueUrl); return; }
        answer = await response.json();
      } catch (networkError) {
        await pause(1000); // only after a failed request: do not hammer a server that is restarting
        continue;
      }
      if (answer.status === "done") { window.location.replace(answer.next); return; }
    }
  }
  watch();
})();
