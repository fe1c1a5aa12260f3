// Opens Plaid Link on /banks/link (only with a Bluum key pair; the page's CSP allows Plaid's
// hosts there alone). The link token comes from the server in the button's data attribute;
// Plaid's public token goes into the connect form, which posts it to the same server function
// the simulated Link uses.
(function () {
  "use strict";
  function status(text) {
    var el = document.getElementById("plaid-status");
    if (el) el.textContent = text;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#plaid-open");
    if (!button) return;
    event.preventDefault();
    if (!window.Plaid) {
      status("Plaid is still loading. Please try again in a moment.");
      return;
    }
    var handler = window.Plaid.create({
      token: button.getAttribute("data-link-token"),
      onSuccess: function (publicToken) {
        var form = document.getElementById("plaid-connect-form");
        document.getElementById("plaid-public-token").value = publicToken;
        status("Linking your bank…");
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      },
      onExit: function (err) {
        status(
          err
            ? "Plaid stopped: " + (err.display_message || err.error_message || "please try again.")
            : "You left Plaid before linking a bank. Nothing was linked."
        );
      },
    });
    handler.open();
  });
})();
