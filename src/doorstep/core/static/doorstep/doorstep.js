/* Doorstep's own behaviour. No inline scripts anywhere: a strict Content-Security-Policy
   (script-src 'self') must be enough. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Language menu: switch on change (the submit button is for browsers without JS).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select) select.form.requestSubmit();
  });

  // Cascading area picker. Runs in the capture phase, before htmx sees the change, so
  // the selects below the changed one are gone by the time the form is serialized.
  document.addEventListener(
    "change",
    function (event) {
      var select = event.target;
      var picker = select.closest && select.closest("[data-area-picker]");
      if (!picker || select.tagName !== "SELECT") return;
      var next = select.nextElementSibling;
      while (next) {
        var after = next.nextElementSibling;
        if (next.tagName === "SELECT") next.remove();
        next = after;
      }
      if (!select.value) return;
      var url = picker.dataset.childrenUrl + "?parent=" + encodeURIComponent(select.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { areas: [] }; })
        .then(function (data) {
          if (!data.areas.length || select.value === "" || !select.isConnected) return;
          var child = document.createElement("select");
          child.name = picker.dataset.name;
          child.setAttribute("aria-label", select.options[select.selectedIndex].text);
          child.add(new Option(picker.dataset.anyLabel, ""));
          data.areas.forEach(function (area) { child.add(new Option(area.name, area.id)); });
          select.after(child);
        });
    },
    true
  );

  // The main menu (base.html): a <details> that opens by itself without JavaScript. On
  // a wide screen it is held open and CSS hides its button; on a phone it folds away,
  // closes on Escape, on a tap outside it, and when a link inside it is followed.
  var wide = window.matchMedia("(min-width: 60rem)");
  function syncMenus() {
    document.querySelectorAll("details[data-menu]").forEach(function (menu) {
      menu.open = wide.matches;
    });
  }
  document.addEventListener("DOMContentLoaded", syncMenus);
  if (wide.addEventListener) wide.addEventListener("change", syncMenus);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || wide.matches) return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    if (wide.matches) return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // Tables on a narrow screen (doorstep.css): each cell is labelled with its column's
  // header (data-label), so that a row can be shown as a card; cells holding only a
  // number are marked (data-number) so that they never break and line up at the end.
  // A table without a header row, or of fewer than three columns, scrolls instead.
  var NUMBER = /^[-+−]?[\d.,\s%‰¥￥元]*\d[\d.,\s%‰¥￥元]*$/;
  var DATE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}( \d{1,2}:\d{2})?$/;
  function labelTables(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var headRow = table.tHead && table.tHead.rows[0];
      // A table wider than the page scrolls inside its own box, at any width.
      var parent = table.parentElement;
      if (parent && !parent.classList.contains("table-scroll")) {
        var box = document.createElement("div");
        box.className = "table-scroll";
        parent.insertBefore(box, table);
        box.appendChild(table);
      }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell) {
            var text = cell.textContent.trim();
            if (NUMBER.test(text)) cell.setAttribute("data-number", "");
            else if (DATE.test(text)) cell.classList.add("nowrap");
          });
        });
      });
      // A column of numbers has its header at the same end as its figures.
      if (headRow && table.tBodies.length) {
        Array.prototype.forEach.call(headRow.cells, function (th, index) {
          var figures = 0;
          var others = 0;
          Array.prototype.forEach.call(table.tBodies, function (body) {
            Array.prototype.forEach.call(body.rows, function (row) {
              var cell = row.cells.length === headRow.cells.length ? row.cells[index] : null;
              if (!cell || !cell.textContent.trim()) return;
              if (cell.hasAttribute("data-number")) figures += 1;
              else others += 1;
            });
          });
          if (figures && !others) th.setAttribute("data-number", "");
        });
      }
      if (!headRow || headRow.cells.length < 3) return;
      var labels = Array.prototype.map.call(headRow.cells, function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var label = labels[column];
            if (label && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", label);
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.setAttribute("data-cards", "");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelTables(document);
  });
  // Rows that htmx swaps in later (search results, lists) are labelled the same way.
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTables(event.target && event.target.closest ? event.target.closest("main") : null);
  });

  // A household's position. With no tile server configured (offline deployments) the
  // marker stands on a plain background; the coordinates are printed beside the map.
  function initMaps() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map]").forEach(function (element) {
      if (element.dataset.ready) return;
      element.dataset.ready = "1";
      var lat = parseFloat(element.dataset.lat);
      var lng = parseFloat(element.dataset.lng);
      var map = L.map(element, { attributionControl: Boolean(element.dataset.tileUrl) });
      map.setView([lat, lng], element.dataset.tileUrl ? 15 : 13);
      if (element.dataset.tileUrl) {
        L.tileLayer(element.dataset.tileUrl, {
          maxZoom: 19,
          attribution: element.dataset.tileAttribution || "",
        }).addTo(map);
      } else {
        element.classList.add("map-plain");
      }
      L.circleMarker([lat, lng], { radius: 9, weight: 3, color: "#0b5cad", fillOpacity: 0.6 })
        .addTo(map)
        .bindTooltip(element.dataset.label || "", { permanent: false });
    });
  }
  window.addEventListener("load", initMaps);

  // Leaflet titles its zoom buttons in English whichever app made the map; the page's
  // language gives the words (<meta name="map-zoom-in/-out">, translated in base.html).
  // Every map on the page, including ones an htmx swap adds later, is relabelled.
  function metaContent(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function translateMapControls(root) {
    var words = { in: metaContent("map-zoom-in"), out: metaContent("map-zoom-out") };
    if (!words.in || !words.out) return;
    (root || document).querySelectorAll(".leaflet-control-zoom-in, .leaflet-control-zoom-out")
      .forEach(function (button) {
        var word = button.classList.contains("leaflet-control-zoom-in") ? words.in : words.out;
        if (button.getAttribute("title") !== word) {
          button.setAttribute("title", word);
          button.setAttribute("aria-label", word);
        }
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    translateMapControls(document);
    new MutationObserver(function () {
      translateMapControls(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
