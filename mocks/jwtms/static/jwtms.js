/* Decodes the token a redirect brought (fragment or form_post) and fills #decodedToken and
   #claimsTable; shows #error / #errorDescription for an error response. Plain DOM only. */
(function () {
  "use strict";

  var DESCRIPTIONS = {
    typ: "Full type of the token: JWT.", alg: "Algorithm used to sign the token.", kid: "Id of the key that signed the token.",
    exp: "The expiration time: after this the token must not be accepted.", nbf: "The time before which the token must not be accepted.",
    ver: "The version of the token.", iss: "Identifies the security token service that issued the token and the tenant.",
    sub: "The principal the token asserts information about, such as the user of an application.",
    aud: "The intended recipient of the token: the application's client id.", nonce: "The nonce the application sent, echoed to prevent token replay.",
    iat: "The time the token was issued.", auth_time: "The time the user last entered credentials.",
    oid: "The immutable object id of the user in the directory.", name: "The user's display name.",
    given_name: "The user's given name (first name).", family_name: "The user's surname (last name).",
    idp: "The identity provider that authenticated the user.", tfp: "The user flow (trust framework policy) that issued the token.",
    acr: "The custom policy that issued the token (authentication context class reference).",
    newUser: "True when the user signed up in this sign-in.", emails: "The user's email addresses.", email: "The user's email address.",
    tid: "The tenant id.", c_hash: "Hash of the authorization code issued with this token.", at_hash: "Hash of the access token issued with this token.",
    azp: "The application the token was issued to.", scp: "The scopes granted to the application."
  };
  var TIMES = { exp: 1, nbf: 1, iat: 1, auth_time: 1 };

  function params() {
    var text = window.location.hash.replace(/^#/, "") || window.location.search.replace(/^\?/, "");
    if (!text && window.POSTED) return window.POSTED;
    var out = {};
    text.split("&").forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf("=");
      var key = i < 0 ? pair : pair.slice(0, i);
      var value = i < 0 ? "" : pair.slice(i + 1);
      // A bad escape (%ZZ, a lone %) is kept as written, not dropped: an error's description said nothing otherwise.
      out[decoded(key)] = decoded(value.replace(/\+/g, " "));
    });
    return out;
  }

  function decoded(text) {
    try { return decodeURIComponent(text); } catch (e) {  // a bad escape among good ones: each run of good ones decoded
      return text.replace(/(%[0-9A-Fa-f]{2})+/g, function (run) { try { return decodeURIComponent(run); } catch (e2) { return run; } });
    }
  }

  function own(table, key) { return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined; }

  function b64decode(segment) {
    var text = segment.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) text += "=";
    var binary = atob(text);
    var bytes = [];
    for (var i = 0; i < binary.length; i++) bytes.push("%" + ("0" + binary.charCodeAt(i).toString(16)).slice(-2));
    return decodeURIComponent(bytes.join(""));
  }

  function show(id) { document.getElementById(id).hidden = false; }

  function decode(token) {
    var decoded = document.getElementById("decodedToken");
    var tbody = document.querySelector("#claimsTable tbody");
    var problem = document.getElementById("tokenError");
    decoded.textContent = "";
    tbody.textContent = "";
    problem.hidden = true;
    if (!token) return;
    var parts = token.trim().split(".");
    var header, payload;
    try {
      if (parts.length !== 3) throw new Error("not three segments");
      header = JSON.parse(b64decode(parts[0]));
      payload = JSON.parse(b64decode(parts[1]));
      // A JWT's header and claims are JSON objects: null, a string or an array is no token's.
      [header, payload].forEach(function (part) {
        if (part === null || typeof part !== "object" || Array.isArray(part)) throw new Error("its header and claims must be JSON objects");
      });
    } catch (e) {
      problem.textContent = "This token is not a valid JWT (" + e.message + ").";
      problem.hidden = false;
      return;
    }
    decoded.textContent = JSON.stringify(header, null, 2) + "." + JSON.stringify(payload, null, 2) + ".[Signature]";
    Object.keys(payload).forEach(function (claim) {
      var value = payload[claim];
      // The tables' own entries only: a claim named toString or constructor is no description's.
      var note = own(DESCRIPTIONS, claim) || "";
      if (own(TIMES, claim) && typeof value === "number") note += " " + new Date(value * 1000).toUTCString();
      var row = document.createElement("tr");
      row.setAttribute("data-claim", claim);
      [[claim, "claim-type"], [typeof value === "string" ? value : JSON.stringify(value), "claim-value"], [note.trim(), "claim-notes"]].forEach(function (cell) {
        var td = document.createElement("td");
        td.className = cell[1];
        td.textContent = cell[0];
        row.appendChild(td);
      });
      tbody.appendChild(row);
    });
  }

  function render() {
    var p = params();
    var textarea = document.getElementById("encodedToken");
    ["errorSection", "codeSection", "stateSection"].forEach(function (id) { document.getElementById(id).hidden = true; });
    if (p.error) {
      document.getElementById("error").textContent = p.error;
      document.getElementById("errorDescription").textContent = p.error_description || "";
      show("errorSection");
    }
    if (p.code) { document.getElementById("authorizationCode").value = p.code; show("codeSection"); }
    if (p.state) { document.getElementById("state").textContent = p.state; show("stateSection"); }
    var token = p.id_token || p.access_token || "";
    document.getElementById("tokenType").textContent = p.id_token ? "id_token" : (p.access_token ? "access_token" : "");
    textarea.value = token;
    decode(token);
  }

  function start() {
    var textarea = document.getElementById("encodedToken");
    textarea.addEventListener("input", function () { decode(textarea.value); });
    window.addEventListener("hashchange", render); // a new token in the fragment without a reload
    render();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
