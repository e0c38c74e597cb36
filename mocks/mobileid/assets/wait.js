// Long-poll: the server holds each request until the phone answers (or ~25 s pass), so the
// page moves on within milliseconds of the answer without polling on a timer.
(function () {
  "use strict";
  var root = document.getElementById("mid-waiting");
  var statusUrl = root.getAttribute("data-status-url");
  var continueUrl = root.getAttribute("data-continue-url");

  // The phone answered and the client takes the answer as a form post (OAuth 2.0 Form Post Response Mode):
  // post it from here, as the answer page would.
  function post(answer) {
    var form = document.createElement("form");
    form.id = "mid-response";
    form.method = "post";
    form.action = answer.action;
    answer.fields.forEach(function (field) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = field[0];
      input.value = field[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

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
      if (answer.status === "done" && answer.post) { post(answer.post); return; }
      if (answer.status === "done") { window.location.replace(answer.next); return; }
    }
  }
  watch();
})();
