/* Renders the #api fragment of B2C's hosted pages from SETTINGS and CONTENT, after the page
   has loaded, as the real service does. Plain DOM and XMLHttpRequest so that Chromium,
   Firefox and WebKit all run it. Wire protocol: reference b2c.md section 8. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // B2C writes the state in its URLs as is ("tx=StateProperties=eyJ...", reference b2c.md 1.2 and 8), not "%3D".
  function query(params) {
    return Object.keys(params).map(function (k) {
      var value = encodeURIComponent(params[k]);
      return encodeURIComponent(k) + "=" + (k === "tx" ? value.replace(/%3D/g, "=") : value);
    }).join("&");
  }

  function apiUrl(api, action, extra) {
    var params = {};
    Object.keys(extra || {}).forEach(function (k) { params[k] = extra[k]; });
    params.csrf_token = SETTINGS.csrf;
    params.tx = SETTINGS.transId;
    params.p = SETTINGS.hosts.policy;
    return SETTINGS.hosts.tenant + "/api/" + api + "/" + action + "?" + query(params);
  }

  function diags(pageId) {
    return JSON.stringify({ pageViewId: SETTINGS.pageViewId, pageId: pageId, trace: [] });
  }

  function showError(node, text) {
    var p = node.querySelector("p");
    (p || node).textContent = text;
    node.setAttribute("aria-hidden", "false");
    node.style.display = "block";
  }

  function hideError(node) {
    node.setAttribute("aria-hidden", "true");
    node.style.display = "none";
  }

  // POST {tenant}/SelfAsserted?tx=...&p=... with X-CSRF-TOKEN; answer {"status":"200"} or {"status":"400","message":...}.
  function postSelfAsserted(fields, done) {
    var xhr = new XMLHttpRequest();
    var url = SETTINGS.hosts.tenant + "/SelfAsserted?" + query({ tx: SETTINGS.transId, p: SETTINGS.hosts.policy });
    xhr.open("POST", url, true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    xhr.setRequestHeader("X-CSRF-TOKEN", SETTINGS.csrf);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.onload = function () {
      var answer;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = { status: "400", message: CONTENT.unknown_error }; }
      done(answer);
    };
    xhr.onerror = function () { done({ status: "400", message: CONTENT.unknown_error }); };
    var body = ["request_type=RESPONSE"];
    fields.forEach(function (pair) { body.push(encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1])); });
    xhr.send(body.join("&"));
  }

  function itemError() {
    return el("div", { "class": "error itemLevel", role: "alert", "aria-hidden": "true", style: "display: none;" }, [el("p", {}, [])]);
  }

  function renderUnified(api) {
    var providers = SETTINGS.claimsProviders || [];
    var config = SETTINGS.config || {};
    api.appendChild(el("div", { "class": "heading" }, [el("h1", { role: "heading" }, [CONTENT.heading])]));
    if (providers.length) {
      var options = el("div", { "class": "options" }, providers.map(function (provider, index) {
        var button = el("button", {
          "class": "accountButton" + (index === 0 ? " firstButton" : "") + " claims-provider-selection",
          id: provider.id, role: "link", type: "button", autofocus: index === 0 && !SETTINGS.localAccount
        }, [provider.name]);
        button.addEventListener("click", function () {
          window.location.href = apiUrl(SETTINGS.api, "unified", { claimsexchange: provider.id }) + "&diags=" + encodeURIComponent(diags(SETTINGS.api));
        });
        return el("div", {}, [button]);
      }));
      api.appendChild(el("div", { "class": "claims-provider-list-buttons social", role: "form", "aria-label": CONTENT.social_intro }, [
        el("div", { "class": "intro" }, [el("h2", {}, [CONTENT.social_intro])]), options
      ]));
    }
    if (!SETTINGS.localAccount) return;
    if (providers.length) api.appendChild(el("div", { "class": "divider" }, [el("h2", {}, [CONTENT.divider_title])]));
    var field = SETTINGS.localAccount.field; // signInName (custom policies) or email (user flows)
    var isEmail = SETTINGS.config.operatingMode === "Email";
    var label = isEmail ? CONTENT.logonIdentifier_email : CONTENT.logonIdentifier_username;
    var intro = isEmail ? CONTENT.local_intro_email : CONTENT.local_intro_username;
    var pageError = el("div", { "class": "error pageLevel", role: "alert", "aria-hidden": "true", style: "display: none;" }, [el("p", {}, [])]);
    var nameError = itemError();
    var passwordError = itemError();
    var nameInput = el("input", { type: field === "email" ? "email" : "text", id: field, name: field === "email" ? "Email Address" : "Sign in name",
      placeholder: label, "aria-label": label, autofocus: true, value: SETTINGS.localAccount.loginHint || null });
    var passwordInput = el("input", { type: "password", id: "password", name: "Password", placeholder: CONTENT.password,
      "aria-label": CONTENT.password, autocomplete: "current-password" });
    var form = el("form", { id: "localAccountForm", "class": "localAccount", action: "JavaScript:void(0);", "aria-label": intro }, [
      el("div", { "class": "intro" }, [el("h2", {}, [intro])]),
      pageError,
      el("div", { "class": "entry" }, [
        el("div", { "class": "entry-item" }, [el("label", { "for": field }, [label]), nameError, nameInput]),
        el("div", { "class": "entry-item" }, [
          el("div", { "class": "password-label" }, [el("label", { "for": "password" }, [CONTENT.password])].concat(
            config.forgotPasswordLinkLocation === "None" ? [] : [
              el("a", { id: "forgotPassword", href: SETTINGS.hosts.tenant + "/api/" + SETTINGS.api + "/forgotPassword?" +
                query({ csrf_token: SETTINGS.csrf, tx: SETTINGS.transId, p: SETTINGS.hosts.policy }) }, [CONTENT.forgotpassword_link])])),
          passwordError, passwordInput
        ]),
        el("div", { "class": "working" }, []),
        el("div", { "class": "buttons" }, [el("button", { id: "next", type: "submit", form: "localAccountForm" }, [CONTENT.button_signin])])
      ]),
      el("div", { "class": "divider" }, [el("h2", {}, [CONTENT.divider_title])])
    ].concat(config.showSignupLink === "False" ? [] : [
      el("div", { "class": "create" }, [el("p", {}, [CONTENT.createaccount_intro + " ",
        el("a", { id: "createAccount", href: apiUrl(SETTINGS.api, "unified", { local: "signup" }) }, [CONTENT.createaccount_link])])])
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hideError(pageError);
      var ok = true;
      [[nameInput, nameError, isEmail ? CONTENT.requiredField_email : CONTENT.requiredField_username],
       [passwordInput, passwordError, CONTENT.requiredField_password]].forEach(function (item) {
        if (!item[0].value) { showError(item[1], item[2]); item[0].className = "highlightError"; ok = false; }
        else { hideError(item[1]); item[0].className = ""; }
      });
      if (!ok) return;
      postSelfAsserted([[field, nameInput.value], ["password", passwordInput.value]], function (answer) {
        if (answer.status === "200") {
          window.location.href = apiUrl(SETTINGS.api, "confirmed", { rememberMe: "false" }) + "&diags=" + encodeURIComponent(diags(SETTINGS.api));
        } else {
          showError(pageError, answer.message || CONTENT.unknown_error);
        }
      });
    });
    api.appendChild(form);
  }

  function renderSelfAsserted(api) {
    var fields = (SETTINGS.SA_FIELDS && SETTINGS.SA_FIELDS.AttributeFields) || [];
    var required = el("div", { id: "requiredFieldMissing", "class": "error pageLevel", role: "alert", "aria-hidden": "true", style: "display: none;" }, [CONTENT.required_field_missing]);
    var serverError = el("div", { id: "claimVerificationServerError", "class": "error pageLevel", "aria-hidden": "true", style: "display: none;" }, []);
    var inputs = [];
    var items = fields.map(function (f) {
      var error = el("div", { "class": "error itemLevel", role: "alert", "aria-hidden": "true" }, []);
      var input = el("input", { id: f.ID, "class": "textInput", type: f.UX_INPUT_TYPE === "EmailBox" ? "email" : "text", placeholder: f.DN, title: f.HELP, value: f.PRE || null,
        "aria-required": f.IS_REQ ? "true" : null, required: !!f.IS_REQ, autofocus: inputs.length === 0 });
      inputs.push({ field: f, input: input, error: error });
      return el("li", { "class": f.UX_INPUT_TYPE + " " + f.ID + "_li" }, [el("div", { "class": "attrEntry" }, [
        el("label", { id: f.ID + "_label", "for": f.ID }, [f.DN]), error, input,
        el("a", { href: "javascript:void(0)", "data-help": f.HELP, "class": "helpLink tiny" }, [CONTENT.help_link])
      ])]);
    });
    var cont = el("button", { id: "continue", type: "submit", form: "attributeVerification", "aria-label": CONTENT.button_continue }, [CONTENT.button_continue]);
    var cancel = el("button", { id: "cancel", type: "button", formnovalidate: true, "aria-label": CONTENT.button_cancel }, [CONTENT.button_cancel]);
    var form = el("form", { id: "attributeVerification", action: "JavaScript:void(0);", novalidate: true }, [
      el("div", { id: "passwordEntryMismatch", "class": "error pageLevel", "aria-hidden": "true", style: "display: none;" }, [CONTENT.password_mismatch]),
      required,
      el("div", { id: "fieldIncorrect", "class": "error pageLevel", "aria-hidden": "true", style: "display: none;" }, [CONTENT.field_incorrect]),
      serverError,
      el("div", { id: "attributeList", "class": "attr" }, [el("ul", {}, items)]),
      el("div", { "class": "buttons" }, SETTINGS.config && SETTINGS.config.showCancelButton === "False" ? [cont] : [cont, cancel])
    ]);
    api.appendChild(el("div", { "class": "buttons" }, []));
    api.appendChild(el("div", { "class": "intro", "aria-hidden": "false" }, [el("p", {}, [CONTENT.initial_intro])]));
    api.appendChild(form);
    api.appendChild(el("div", { "class": "verifying-modal", style: "display: none;" }, [el("div", { id: "verifying_blurb" }, [CONTENT.working])]));

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hideError(serverError);
      var missing = false;
      inputs.forEach(function (item) {
        // B2C marks a field it has validated: Microsoft's templates style ".attrEntry.validate" (Classic shows an item-level
        // error only inside one; Ocean Blue outlines an invalid input there) (azure-ad-b2c/html-templates)
        item.input.parentNode.classList.add("validate");
        if (item.field.IS_REQ && !item.input.value.trim()) {
          missing = true;
          item.error.textContent = CONTENT.required_field;
          item.error.className = "error itemLevel show";
          item.error.setAttribute("aria-hidden", "false");
          item.input.className = "textInput highlightError";
        } else {
          item.error.textContent = "";
          item.error.className = "error itemLevel";
          item.error.setAttribute("aria-hidden", "true");
          item.input.className = "textInput";
        }
      });
      if (missing) { showError(required, CONTENT.required_field_missing); return; }
      hideError(required);
      cont.disabled = true;
      postSelfAsserted(inputs.map(function (item) { return [item.field.ID, item.input.value]; }), function (answer) {
        if (answer.status === "200") {
          window.location.href = apiUrl("SelfAsserted", "confirmed", {}) + "&diags=" + encodeURIComponent(diags("SelfAsserted"));
        } else {
          cont.disabled = false;
          showError(serverError, answer.message || CONTENT.unknown_error);
        }
      });
    });
    cancel.addEventListener("click", function () {
      window.location.href = apiUrl("SelfAsserted", "cancelled", {}) + "&diags=" + encodeURIComponent(diags("SelfAsserted"));
    });
  }

  // The 2017 documented fragment (reference b2c.md section 1.5), without the "no contact details" line 1.1.0 removed.
  function renderError(api) {
    api.appendChild(el("h2", {}, [CONTENT.error_heading]));
    api.appendChild(el("div", { "class": "error-page-help" }, [CONTENT.error_help]));
    api.appendChild(el("div", { "class": "error-page-messagedetails" }, [
      el("div", { "class": "error-page-correlationid" }, [CONTENT.correlation_id + SETTINGS.correlationId]),
      el("div", {}, [CONTENT.timestamp + SETTINGS.timestamp]),
      el("div", { "class": "error-page-detail" }, [SETTINGS.errorDetail])
    ]));
  }

  function render() {
    var api = document.getElementById("api");
    if (!api || !window.SETTINGS || api.getAttribute("data-name")) return;
    if (SETTINGS.api === "CombinedSigninAndSignup") {
      api.setAttribute("data-name", "Unified");
      renderUnified(api);
    } else if (SETTINGS.api === "SelfAsserted") {
      api.setAttribute("data-name", "SelfAsserted");
      renderSelfAsserted(api);
    } else if (SETTINGS.api === "GlobalException") {
      api.className = "error-page-content";
      api.setAttribute("data-name", "GlobalException");
      renderError(api);
    }
    var first = api.querySelector("[autofocus]");
    if (first && first.focus) first.focus();
  }

  // After the load event, in a task of its own: B2C builds its pages later still (0.25-2.2 s after
  // navigation, reference b2c.md Addendum), so nothing may read the page at load and expect it built.
  // A stack asked for a build delay (--page-build-delay) builds it that much later, as the real service may.
  function renderSoon() { setTimeout(render, window.PAGE_BUILD_DELAY_MS || 0); }
  if (document.readyState === "complete") renderSoon();
  else window.addEventListener("load", renderSoon);
})();
