// "Use my location": fills a form's latitude and longitude from the browser's
// geolocation, only when the user presses the button (the browser asks consent).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-geolocate]");
  if (!button || !navigator.geolocation) return;
  var status = document.querySelector(button.dataset.status);
  var say = function (key) { if (status) status.textContent = status.dataset[key]; };
  say("locating");
  navigator.geolocation.getCurrentPosition(function (position) {
    document.querySelector(button.dataset.latitude).value = position.coords.latitude.toFixed(6);
    document.querySelector(button.dataset.longitude).value = position.coords.longitude.toFixed(6);
    say("found");
  }, function () { say("failed"); }, { enableHighAccuracy: true, timeout: 15000 });
});
