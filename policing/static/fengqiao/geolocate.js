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

// A check-in button sends the phone's position along when the user allows it
// (the browser asks once); without it, or after a few seconds, the check-in
// goes ahead without a position.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-locate-on-submit]");
  if (!form || form.dataset.located || !navigator.geolocation) return;
  event.preventDefault();
  var send = function () {
    if (form.dataset.located) return;
    form.dataset.located = "true";
    form.submit();
  };
  // The browser's timeout does not run while its permission question waits.
  window.setTimeout(send, 8000);
  navigator.geolocation.getCurrentPosition(function (position) {
    form.elements.latitude.value = position.coords.latitude.toFixed(6);
    form.elements.longitude.value = position.coords.longitude.toFixed(6);
    send();
  }, send, { enableHighAccuracy: true, timeout: 5000, maximumAge: 60000 });
});
