// The beat map: beats coloured by the chosen figure, located records as
// points (or grid cells with counts when there are many). Data comes from
// /api/map/beats/ and /api/map/points/, scoped to the user's units. A wide
// scope (a province) opens on the units one level down with their beats'
// figures summed; choosing one loads what lies below it (?unit=), and the
// trail above the map goes back up.
(function () {
  var el = document.getElementById("beat-map");
  if (!el || !window.L) return;
  var RAMP = ["#f1f5f9", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var KIND_COLOURS = { dispute: "#b91c1c", incident: "#b45309", tip: "#7c3aed",
                       enterprise: "#0f766e", outreach: "#1d4ed8", check_in: "#15803d" };
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  // Records above the beats, whatever arrives first.
  map.createPane("records");
  map.getPane("records").style.zIndex = 450;
  var form = document.getElementById("map-filters");
  var legend = document.getElementById("map-legend");
  var total = document.getElementById("map-total");
  var beatsLayer = null, pointsLayer = L.layerGroup().addTo(map), beats = null;
  var trail = document.getElementById("map-trail");
  // The unit whose beats (or units below) are shown; "" is all of the user's.
  var shownUnit = el.dataset.unit || "";
  // Records show where they can be told apart: zoomed in to a district or less (the
  // view's box is sent), or narrowed by a filter. A city's map opens on its
  // beats' figures alone, however many cases the city holds.
  var POINTS_ZOOM = Number(el.dataset.pointsZoom || 10);
  var pointsRequest = 0;

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  function format(value, figure) {
    if (value === null || value === undefined) return el.dataset.noData;
    return figure === "repeat_rate" ? (value * 100).toFixed(1) + "%" : String(Math.round(value));
  }
  // Three upper limits: classes 1–3 up to them and class 4 above the last
  // (class 0 is zero); whole numbers for counts.
  function breaks(values, figure) {
    var max = Math.max.apply(null, values.filter(function (v) { return v !== null; }).concat([0]));
    if (!max) return [];
    return [0.25, 0.5, 0.75].map(function (q) {
      return figure === "repeat_rate" ? max * q : Math.max(1, Math.ceil(max * q));
    });
  }
  function classOf(value, cuts) {
    if (value === null || value === undefined || !cuts.length) return -1;
    var i = 0;
    while (i < cuts.length && value > cuts[i]) i++;
    return value === 0 ? 0 : i + 1;
  }
  function drawBeats() {
    if (!beats) return;
    var figure = form.figure.value;
    var label = form.figure.options[form.figure.selectedIndex].text;
    var values = beats.features.map(function (f) { return f.properties[figure]; });
    var cuts = breaks(values, figure);
    if (beatsLayer) map.removeLayer(beatsLayer);
    var units = beats.level === "units";
    beatsLayer = L.geoJSON(beats, {
      // A unit without an outline of its own is a point at its beats' centre.
      pointToLayer: function (feature, ll) { return L.circleMarker(ll, { radius: 12 }); },
      style: function (feature) {
        var c = classOf(feature.properties[figure], cuts);
        return { color: "#334155", weight: 1, fillOpacity: c < 0 ? 0.1 : 0.6,
                 fillColor: c < 0 ? "#ffffff" : RAMP[c] };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var figureLine = escape(label) + ": " + escape(format(p[figure], figure)) + "<br>";
        layer.bindPopup(units ?
          "<strong>" + escape(p.name) + "</strong> · " + escape(p.kind) + "<br>" + figureLine +
          '<button type="button" class="btn btn-link btn-sm p-0 align-baseline" data-drill="' + feature.id + '">' +
          escape(el.dataset.drillLabel) + "</button> · " +
          '<a href="' + escape(p.url) + '">' + escape(el.dataset.unitPage) + "</a>" :
          "<strong>" + escape(p.name) + "</strong> · " + escape(p.station) + "<br>" + figureLine +
          '<a href="' + escape(p.disputes_url) + '">' + escape(el.dataset.openList) + "</a> · " +
          '<a href="' + escape(p.url) + '">' + escape(el.dataset.beatPage) + "</a>"
        );
      },
    }).addTo(map);
    var whole = figure !== "repeat_rate";
    var classes = [{ colour: 0, text: format(0, figure) }];
    cuts.forEach(function (cut, i) {
      var from = i === 0 ? 0 : cuts[i - 1];
      if (whole && cut <= from) return;
      var low = whole ? from + 1 : from;
      classes.push({ colour: i + 1, text: low === cut ? format(cut, figure) : format(low, figure) + "–" + format(cut, figure) });
    });
    if (cuts.length) classes.push({ colour: 4, text: "> " + format(cuts[cuts.length - 1], figure) });
    legend.innerHTML = escape(label) + ": " + classes.map(function (c) {
      return '<span class="me-2 text-nowrap"><span class="map-legend-swatch" data-colour="' + c.colour + '"></span>' + escape(c.text) + "</span>";
    }).join("");
    legend.querySelectorAll(".map-legend-swatch").forEach(function (swatch) {
      swatch.style.backgroundColor = RAMP[Number(swatch.dataset.colour)];
    });
  }
  function query(extra) {
    var params = new URLSearchParams(extra || {});
    if (shownUnit) params.set("unit", shownUnit);
    return params.toString() ? "?" + params : "";
  }
  // Load the beats (or the units below) of ``unit`` ("" for all of the
  // user's); then open the beat ``beat`` if given.
  function loadBeats(unit, beat) {
    shownUnit = unit || "";
    fetch(el.dataset.beats + query(), { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (data) {
        beats = data;
        drawBeats();
        drawTrail(data);
        el.dataset.level = data.level;
        if (data.features.length) {
          map.fitBounds(L.geoJSON(data).getBounds(), { padding: [10, 10], maxZoom: 15 });
          if (beat) showBeat(beat);
        } else {
          map.setView([33.38, 120.16], 10);
          total.textContent = el.dataset.empty;
        }
        if (data.level === "units") total.textContent = el.dataset.unitsHint;
      });
  }
  // Where the map is in the tree: each unit above the one shown goes back up.
  function drawTrail(data) {
    if (!trail) return;
    var steps = data.trail.slice();
    if (el.dataset.everything && steps.length) steps.unshift({ id: "", name: el.dataset.everything });
    trail.hidden = steps.length < 2;
    trail.querySelector("ol").innerHTML = steps.map(function (step, i) {
      var last = i === steps.length - 1;
      return '<li class="breadcrumb-item' + (last ? ' active" aria-current="page">' + escape(step.name) :
        '"><a href="?unit=' + step.id + '" data-drill="' + step.id + '">' + escape(step.name) + "</a>") + "</li>";
    }).join("");
  }
  // Going down or back up: the address keeps the unit, so a reload or the
  // browser's back button shows the same.
  function goTo(unit, beat) {
    var url = new URL(window.location.href);
    if (unit) url.searchParams.set("unit", unit); else url.searchParams.delete("unit");
    url.hash = "";
    window.history.pushState({ unit: unit || "" }, "", url);
    map.closePopup();
    loadBeats(unit, beat);
    loadHotspots();
  }
  window.addEventListener("popstate", function (event) {
    loadBeats(event.state ? event.state.unit : el.dataset.unit || "");
    loadHotspots();
  });
  function narrowed() {
    return ["received_after", "received_before", "category", "status"].some(function (name) {
      return form[name].value && !form[name].disabled;
    });
  }
  function loadPoints() {
    var request = ++pointsRequest;
    var zoomedIn = map.getZoom() >= POINTS_ZOOM;
    // Zoomed out, records show only when a filter narrows them, and never over
    // a province's view (a million records).
    if (!zoomedIn && (!narrowed() || el.dataset.pointsNeedBox === "true")) {
      pointsLayer.clearLayers();
      total.textContent = beats && beats.level === "units" ? el.dataset.unitsHint : el.dataset.zoomHint;
      el.dataset.loaded = "true";
      return;
    }
    var params = new URLSearchParams();
    ["kind", "received_after", "received_before", "category", "status"].forEach(function (name) {
      if (form[name].value && !form[name].disabled) params.set(name, form[name].value);
    });
    // Always the view's box: the records in it, or grid cells sized to it.
    var box = map.getBounds();
    params.set("bbox", [box.getSouth(), box.getWest(), box.getNorth(), box.getEast()]
      .map(function (degrees) { return degrees.toFixed(5); }).join(","));
    fetch(el.dataset.points + "?" + params, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (request !== pointsRequest) return;  // a later view's answer is coming
        pointsLayer.clearLayers();
        (data.features || []).forEach(function (f) {
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          var p = f.properties;
          if (p.cluster) {
            L.marker(ll, { pane: "records", icon: L.divIcon({ className: "map-cluster", html: String(p.count), iconSize: [32, 32] }),
                           title: p.count + " " + el.dataset.countLabel })
              .bindPopup(escape(p.count) + " " + escape(el.dataset.countLabel)).addTo(pointsLayer);
          } else {
            L.circleMarker(ll, { pane: "records", radius: 6, color: "#ffffff", weight: 1.5, fillColor: KIND_COLOURS[p.kind] || "#b91c1c", fillOpacity: 0.9 })
              .bindPopup('<a href="' + escape(p.url) + '"><strong>' + escape(p.title) + "</strong></a><br>" + escape(p.subtitle) + " · " + escape(p.when))
              .addTo(pointsLayer);
          }
        });
        total.textContent = "";
        el.dataset.loaded = "true";
      });
  }
  // The ranking under the map follows the chosen figure.
  function loadHotspots() {
    var list = document.getElementById("hot-beats");
    if (!list) return;
    fetch(list.dataset.url + query({ figure: form.figure.value }), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("hot-beats-figure").textContent =
          form.figure.options[form.figure.selectedIndex].text;
        list.innerHTML = data.beats.length ? data.beats.map(function (b) {
          return '<li><a href="' + escape(b.url) + '"' +
            (b.has_outline ? ' data-map-beat="' + b.id + '"' + (b.station_id ? ' data-map-station="' + b.station_id + '"' : "") : "") + ">" +
            escape(b.name) + "</a> · " + escape(b.station) + " · <strong>" +
            escape(format(b.value, data.figure)) + "</strong></li>";
        }).join("") : '<li class="list-unstyled text-muted">' + escape(list.dataset.empty) + "</li>";
      });
  }
  // Zoom to one beat and open its figures; false when it has no outline here.
  function showBeat(id) {
    var found = false;
    if (!beatsLayer) return found;
    beatsLayer.eachLayer(function (layer) {
      if (String(layer.feature.id) === String(id)) {
        map.fitBounds(layer.getBounds(), { maxZoom: 15 });
        layer.openPopup();
        found = true;
      }
    });
    return found;
  }
  // A beat of the ranking shows itself on the map, among its station's
  // when the map shows wider units (the link still leads to its page); a
  // unit's "look inside" and the trail move the map down or up.
  document.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey) return;
    var drill = event.target.closest("[data-drill]");
    if (drill) {
      event.preventDefault();
      goTo(drill.dataset.drill);
      return;
    }
    var link = event.target.closest("[data-map-beat]");
    if (!link) return;
    if (showBeat(link.dataset.mapBeat)) {
      event.preventDefault();
    } else if (link.dataset.mapStation) {
      event.preventDefault();
      goTo(link.dataset.mapStation, link.dataset.mapBeat);
    } else {
      return;
    }
    el.scrollIntoView({ behavior: "smooth" });
  });
  // Each kind offers only its own statuses, the category only for disputes,
  // and the dates only where a kind has a time.
  function fitFiltersToKind() {
    var kind = form.kind.value;
    var option = form.kind.options[form.kind.selectedIndex];
    form.status.querySelectorAll("optgroup").forEach(function (group) {
      var mine = group.dataset.kind === kind;
      group.hidden = !mine;
      group.disabled = !mine;
    });
    if (form.status.selectedOptions[0] && form.status.selectedOptions[0].parentNode.disabled) {
      form.status.value = "";
    }
    form.status.disabled = !form.status.querySelector('optgroup[data-kind="' + kind + '"]');
    form.category.disabled = kind !== "dispute";
    if (form.category.disabled) form.category.value = "";
    form.received_after.disabled = form.received_before.disabled = !option.dataset.dated;
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "figure") { drawBeats(); loadHotspots(); return; }
    if (event.target.name === "kind") fitFiltersToKind();
    loadPoints();
  });
  fitFiltersToKind();
  // The first view (fitted to the beats) and every later one load their points.
  map.on("moveend", loadPoints);
  // "#beat-12" (the dashboard's hotspot links) opens on that beat.
  var wanted = /^#beat-(\d+)$/.exec(window.location.hash);
  window.history.replaceState({ unit: shownUnit }, "");
  loadBeats(shownUnit, wanted && wanted[1]);
})();
