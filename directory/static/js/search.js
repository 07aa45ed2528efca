/* Search as you type.
 *
 * A form marked data-search-form refreshes a results region while its box is typed in: on the
 * search page the region #search-results (the header box, whose hidden inputs carry the chosen
 * filters), on the home page the region named by data-search-preview (the hero box). The
 * server renders the fragment (/search?...&partial=1); the page swaps it in. Without this
 * script the forms submit normally; Enter always submits and opens the full search page.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var NARROW = "(max-width: 40rem)";
  var pageRegion = document.getElementById("search-results");

  function queryOf(form) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") {
        query.append(name, value);
      }
    });
    return query;
  }

  function swap(region, html) {
    var filters = region.querySelector("[data-search-filters]");
    var wasOpen = filters ? filters.open : null;
    var template = document.createElement("template");
    template.innerHTML = html; // rendered and escaped by the server; scripts in it do not run
    region.replaceChildren(template.content);
    filters = region.querySelector("[data-search-filters]");
    if (filters && wasOpen !== null) {
      filters.open = wasOpen; // the reader's choice, not the default, survives a refresh
    }
  }

  function follow(form) {
    var input = form.querySelector('input[name="q"]');
    var previewId = form.getAttribute("data-search-preview");
    var region = previewId ? document.getElementById(previewId) : pageRegion;
    if (!input || !region) {
      return; // a page without results to refresh: the form just submits
    }
    var action = form.getAttribute("action") || window.location.pathname;
    var timer = null;
    var controller = null;
    var shown = queryOf(form).toString();

    function refresh() {
      var query = queryOf(form);
      var key = query.toString();
      if (key === shown) {
        return;
      }
      shown = key;
      if (controller) {
        controller.abort(); // an answer to older text must not replace a newer one
      }
      if (previewId && !query.get("q")) {
        controller = null;
        region.hidden = true;
        region.replaceChildren();
        return;
      }
      var mine = new AbortController();
      controller = mine;
      var wanted = new URLSearchParams(query);
      wanted.set("partial", "1");
      if (previewId) {
        wanted.set("preview", "1");
      }
      region.setAttribute("aria-busy", "true");
      fetch(action + "?" + wanted.toString(), {
        signal: mine.signal,
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
        .then(function (response) {
          if (!response.ok || response.redirected) {
            throw new Error("search answered " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (mine !== controller) {
            return;
          }
          swap(region, html);
          region.hidden = false;
          if (!previewId) {
            var address = action + (key ? "?" + key : "");
            window.history.replaceState(window.history.state, "", address);
          }
        })
        .catch(function (problem) {
          if (problem.name !== "AbortError") {
            shown = ""; // try again on the next key; the results on screen stay as they were
          }
        })
        .finally(function () {
          if (mine === controller) {
            region.removeAttribute("aria-busy");
            controller = null;
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer); // Enter: the full page loads; nothing pending may overwrite it
      if (controller) {
        controller.abort();
      }
    });
  }

  document.querySelectorAll("form[data-search-form]").forEach(follow);

  // On a phone the filters start folded away, below the box, above the results.
  var filters = document.querySelector("#search-results [data-search-filters]");
  if (filters && window.matchMedia && window.matchMedia(NARROW).matches) {
    filters.open = false;
  }
})();
