// OAuth 2.0 Form Post Response Mode: hand the response to the client at once.
document.getElementById("mid-response").submit();
