// Before a portal session ends for want of use, warn and offer to keep it going (WCAG 2.2.1).
// The page says how long the session had when it was made; the server is asked again before
// warning, because another tab may have kept the session going meanwhile.
const dialog = document.getElementById("session-timeout");

if (dialog) {
  const statusUrl = dialog.dataset.statusUrl;
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector("[data-countdown]");
  const stayForm = dialog.querySelector("form[data-stay]");
  let deadline = 0;
  let timer = 0;
  let ticking = 0;

  const inWords = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };
  const remaining = () => Math.max(0, Math.round((deadline - Date.now()) / 1000));

  async function askServer(options = {}) {
    const response = await fetch(statusUrl, {
      credentials: "same-origin", headers: { Accept: "application/json" }, ...options,
    });
    if (!response.ok) throw new Error(`session status ${response.status}`);
    return (await response.json()).seconds_left;
  }

  function schedule(secondsLeft) {
    clearTimeout(timer);
    clearInterval(ticking);
    deadline = Date.now() + secondsLeft * 1000;
    timer = setTimeout(check, Math.max(0, secondsLeft - warningSeconds) * 1000);
  }

  function signedOut() {
    window.location.assign(dialog.dataset.signedOutUrl);
  }

  function warn(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    countdown.textContent = inWords(secondsLeft);
    if (!dialog.open) dialog.showModal();
    clearInterval(ticking);
    ticking = setInterval(() => {
      if (remaining() <= 0) {
        clearInterval(ticking);
        check();
        return;
      }
      countdown.textContent = inWords(remaining());
    }, 1000);
  }

  async function check() {
    let left;
    try {
      left = await askServer();
    } catch {
      left = remaining();
    }
    if (left <= 0) {
      signedOut();
    } else if (left > warningSeconds) {
      if (dialog.open) dialog.close();
      schedule(left);
    } else {
      warn(left);
    }
  }

  async function stay(event) {
    if (event) event.preventDefault();
    try {
      const left = await askServer({ method: "POST", body: new FormData(stayForm) });
      if (left <= 0) {
        signedOut();
        return;
      }
      dialog.close();
      schedule(left);
    } catch {
      stayForm.submit();
    }
  }

  stayForm.addEventListener("submit", stay);
  // Escape closes a dialog: here it means "stay signed in", never "let it run out unseen".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  schedule(Number(dialog.dataset.secondsLeft));
}
