// The JSON API as the pages call it: a same-origin request with the page's CSRF token, answered
// as {status, ok, payload}. A JSON body is sent as JSON, a FormData as multipart; an answer that
// is not JSON becomes {detail: "The server answered N."}. A network failure throws: each page
// says so in its own words. Plain JavaScript, no build step; loaded before the page's script.
"use strict";

window.factcheckApi = function (csrf) {
  return async function request(method, url, body, headers) {
    const form = body instanceof FormData;
    const json = body !== undefined && !form;
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: Object.assign(
        { "X-CSRFToken": csrf, Accept: "application/json" },
        json ? { "Content-Type": "application/json" } : {},
        headers || {}
      ),
      body: json ? JSON.stringify(body) : body,
    });
    let payload = null;
    if (response.status !== 204) {
      try {
        payload = await response.json();
      } catch (e) {
        payload = { detail: "The server answered " + response.status + "." };
      }
    }
    return { status: response.status, ok: response.ok, payload };
  };
};
