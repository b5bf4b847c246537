// AUTH-3: django-otp-webauthn's scripts call a global gettext() for every message they show.
// Django's JavaScript catalogue would give its English wording; these are ours, in plain
// English. Anything not listed here is shown as the library wrote it.
(() => {
  const TRY_AGAIN = "Something went wrong. Try again, or enter a code from your authenticator app.";
  const messages = {
    "Register a Passkey": "Add a passkey",
    "Registering...": "Adding a passkey…",
    "Finishing registration...": "Adding a passkey…",
    "Registration successful!": "Passkey added. Next time you sign in, you can use it instead of a code.",
    "Registration aborted.": "No passkey was added.",
    "Registration aborted or not allowed.": "No passkey was added.",
    "Registration failed. You most likely already have a Passkey registered for this site.":
      "This device already has a passkey for this service.",
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site.":
      "Passkeys cannot be added at this address. Ask your administrator.",
    "Registration failed. Unable to fetch registration options from server.": "No passkey was added. Try again.",
    "Registration failed. The server was unable to verify this passkey.": "No passkey was added. Try again.",
    "Registration failed. A server error occurred.": "No passkey was added. Try again.",
    "Registration failed. An unknown error occurred.": "No passkey was added. Try again.",
    "An error occurred during registration.": "No passkey was added. Try again.",
    "Verify with Passkey": "Use a passkey",
    "Verifying...": "Checking your passkey…",
    "Finishing verification...": "Checking your passkey…",
    "Verification successful!": "Passkey accepted.",
    "Verification aborted.": "Your passkey was not used. Try again, or enter a code.",
    "Verification canceled or not allowed.": "Your passkey was not used. Try again, or enter a code.",
    "Verification failed. A server error occurred.": TRY_AGAIN,
    "Verification failed. An unknown error occurred.": TRY_AGAIN,
    "Verification failed. An unknown server error occurred.": TRY_AGAIN,
    "Verification failed. Could not retrieve parameters from the server.": TRY_AGAIN,
    "An error occurred during verification.": TRY_AGAIN,
  };
  window.gettext = (text) => messages[text] ?? text;
})();
