// The GOV.UK timeout warning (WCAG 2.2.1, timing adjustable): some minutes before a signed-in
// session ends for inactivity, a modal dialog says so and offers "Stay signed in", which posts to
// the server to start the period again, and "Sign out". Without JavaScript the dialog never opens
// and the session simply ends.
//
// The dialog is rendered (closed) by templates/includes/session_timeout.html with its timings:
//   data-idle-seconds     how long the session lasts without a request
//   data-warning-seconds  how long before the end the dialog opens
//   data-stay-url         the endpoint "Stay signed in" posts to

const dialog = document.querySelector("[data-module='app-session-timeout']");

if (dialog && typeof dialog.showModal === "function") {
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector("[data-session-timeout-countdown]");
  const stayButton = dialog.querySelector("[data-session-timeout-stay]");
  const csrfToken = dialog.querySelector("input[name='csrfmiddlewaretoken']").value;
  let warningTimer;
  let endTimer;
  let countdownTimer;
  let endsAt;

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const updateCountdown = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = describe(left);
  };

  // The session has ended on the server: load the page again, which the server answers with the
  // sign-in page (and returns here after signing in).
  const signedOut = () => window.location.assign(window.location.href);

  const warn = () => {
    updateCountdown();
    countdownTimer = window.setInterval(updateCountdown, 1000);
    dialog.showModal();
  };

  const start = () => {
    window.clearTimeout(warningTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(countdownTimer);
    endsAt = Date.now() + idleSeconds * 1000;
    warningTimer = window.setTimeout(warn, (idleSeconds - warningSeconds) * 1000);
    endTimer = window.setTimeout(signedOut, idleSeconds * 1000);
  };

  const staySignedIn = async () => {
    window.clearInterval(countdownTimer);
    if (dialog.open) {
      dialog.close();
    }
    try {
      const response = await fetch(dialog.dataset.stayUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
      });
      if (response.status !== 204 || response.redirected) {
        signedOut();
        return;
      }
    } catch {
      // The server could not be reached: keep counting down from the last known request.
      return;
    }
    start();
  };

  stayButton.addEventListener("click", staySignedIn);
  // Escape closes the dialog; the person has seen the warning, so that also keeps them signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  start();
}
