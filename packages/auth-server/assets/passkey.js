// Gatehouse passkey forms (served as /assets/passkey.js; the pages' CSP allows scripts of this origin only, and
// none inline). A form marked data-passkey="authenticate" or "register" carries the ceremony's options, made by
// the server with a challenge it keeps; its button asks the browser (SimpleWebAuthn's browser bundle, served at
// /assets/simplewebauthn-browser.js), puts the browser's answer in the hidden "response" field and posts the
// form, which the server answers like any other form (303). data-autofill also starts passkey autofill in the
// username field where the browser offers it (WebAuthn conditional mediation).
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;

  /** Shows `text` in the page's alert box (role="alert", announced by screen readers), made if missing. */
  const showError = (form, text) => {
    let alert = form.parentElement.querySelector('[data-passkey-alert]');
    if (!alert) {
      alert = document.createElement('p');
      alert.className = 'alert';
      alert.setAttribute('role', 'alert');
      alert.setAttribute('data-passkey-alert', '');
      form.before(alert);
    }
    alert.textContent = text;
  };

  const explain = (error) => {
    if (error && error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out.';
    if (error && error.name === 'InvalidStateError') return 'This passkey is registered already.';
    return 'Your browser could not use a passkey here.';
  };

  // Once per page: a second answer (the autofill request and the button's, both resolved) would post a spent
  // challenge and turn a sign-in into a refusal.
  let submitted = false;
  const submitWith = (form, credential) => {
    if (submitted) return;
    submitted = true;
    form.querySelector('input[name="response"]').value = JSON.stringify(credential);
    form.submit();
  };

  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const button = form.querySelector('[data-passkey-start]');
    const optionsJSON = JSON.parse(form.dataset.options);
    const register = form.dataset.passkey === 'register';
    if (!webauthn?.browserSupportsWebAuthn()) {
      button.disabled = true;
      showError(form, 'This browser cannot use passkeys.');
      continue;
    }
    button.addEventListener('click', async () => {
      if (register && !form.reportValidity()) return;
      // Said to assistive technology (and waited on by the browser tests) while the browser asks the person.
      button.setAttribute('aria-busy', 'true');
      try {
        const credential = register
          ? await webauthn.startRegistration({ optionsJSON })
          : await webauthn.startAuthentication({ optionsJSON });
        submitWith(form, credential);
      } catch (error) {
        button.removeAttribute('aria-busy');
        showError(form, explain(error));
      }
    });
    if (form.hasAttribute('data-autofill')) {
      webauthn.browserSupportsWebAuthnAutofill().then((supported) => {
        if (!supported) return;
        webauthn
          .startAuthentication({ optionsJSON, useBrowserAutofill: true })
          .then((credential) => submitWith(form, credential))
          // Cancelled when the button starts its own request, or never chosen: nothing to say.
          .catch(() => undefined);
      });
    }
  }
})();
