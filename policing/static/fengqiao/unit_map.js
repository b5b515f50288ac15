// A unit page's outline: the unit and the units just below it, each linking
// to its page. Data comes from the page (json_script "unit-outline").
(function () {
  var el = document.getElementById("unit-map");
  var data = document.getElementById("unit-outline");
  if (!el || !data || !window.L) return;
  var outline = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
  var layer = L.geoJSON(outline, {
    style: function (feature) {
      return feature.properties.self
        ? { color: "#1f4e79", weight: 2, fillOpacity: 0.05 }
        : { color: "#334155", weight: 1, fillColor: "#6baed6", fillOpacity: 0.25 };
    },
    onEachFeature: function (feature, item) {
      var name = document.createElement("div");
      if (feature.properties.url) {
        var link = document.createElement("a");
        link.href = feature.properties.url;
        link.textContent = feature.properties.name;
        name.appendChild(link);
      } else {
        name.textContent = feature.properties.name;
      }
      item.bindTooltip(feature.properties.name);
      item.bindPopup(name);
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
})();
