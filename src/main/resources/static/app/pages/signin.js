// Sign-in: login ID and password, then the two-step code when the account needs one; or a passkey.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { html, Alert, Button, LanguageSwitch, TextField, errorText } from '../ui.js';
import { passkeysSupported, signInWithPasskey } from '../webauthn.js';

export function AuthShell({ title, lead, children }) {
  return html`<div class="auth-page">
    <div class="auth-top"><${LanguageSwitch} /></div>
    <main class="auth-card">
      <div class="auth-brand">
        <img src="/app/icon.svg" alt="" width="40" height="40" />
        <span class="brand-name">${t('app.name')}</span>
      </div>
      <h1 class="auth-title">${title}</h1>
      ${lead && html`<p class="auth-lead">${lead}</p>`}
      ${children}
    </main>
  </div>`;
}

export function SignInPage({ onSignedIn }) {
  const [step, setStep] = useState('password'); // password | mfa
  const [methods, setMethods] = useState([]); // second steps the server offers: totp, passkey
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const afterAuth = async (result) => {
    if (result && result.status === 'mfa_required') {
      setMethods(Array.isArray(result.methods) ? result.methods : ['totp']);
      setStep('mfa');
      setCode('');
      setError('');
      return;
    }
    await onSignedIn();
  };

  const submitPassword = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const result = await api.post('/api/v1/auth/login', { loginId: loginId.trim(), password }, { quiet401: true });
      setPassword('');
      await afterAuth(result);
    } catch (err) {
      setError(errorText(err, { 401: t('signin.badCredentials') }));
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const result = await api.post('/api/v1/auth/mfa', { code: code.replace(/\s+/g, '') }, { quiet401: true });
      await afterAuth(result);
    } catch (err) {
      // The server answers a wrong code with the same 401 as a wrong password; say what it means here.
      setError(errorText(err, { 401: t('signin.badCode'), 422: t('signin.badCode') }));
    } finally {
      setBusy(false);
    }
  };

  const passkey = async () => {
    setBusy(true);
    setError('');
    try {
      await signInWithPasskey();
      await onSignedIn();
    } catch (err) {
      // The member closing the browser prompt is not an error worth shouting about.
      if (err && err.name === 'NotAllowedError') setError('');
      else setError(err && err.status ? errorText(err, { 401: t('signin.passkeyFailed') }) : t('signin.passkeyFailed'));
    } finally {
      setBusy(false);
    }
  };

  if (step === 'mfa') {
    const totp = methods.includes('totp') || methods.includes('recovery');
    const passkeyStep = methods.includes('passkey') && passkeysSupported();
    if (!totp && passkeyStep) {
      // Passkeys only: the ceremony is the second step.
      return html`<${AuthShell} title=${t('signin.mfaTitle')} lead=${t('passkeys.lead')}>
        <div class="stack">
          ${error && html`<${Alert}>${error}<//>`}
          <${Button} class="btn-block" onClick=${passkey} busy=${busy} data-testid="passkey-second-step">${t('signin.usePasskey')}<//>
          <div class="auth-links">
            <button type="button" class="link-btn" onClick=${() => { setStep('password'); setError(''); }}>${t('signin.startOver')}</button>
          </div>
        </div>
      <//>`;
    }
    return html`<${AuthShell} title=${t('signin.mfaTitle')} lead=${recovery ? t('signin.recoveryLead') : t('signin.mfaLead')}>
      <form class="stack" onSubmit=${submitCode} novalidate>
        ${error && html`<${Alert}>${error}<//>`}
        ${recovery
          ? html`<${TextField}
              key="recovery"
              label=${t('signin.recoveryCode')}
              name="recoveryCode"
              value=${code}
              onValue=${setCode}
              autocomplete="off"
              autocapitalize="off"
              spellcheck="false"
              required
              autofocus
            />`
          : html`<${TextField}
              key="totp"
              label=${t('signin.mfaCode')}
              name="code"
              class="code-input"
              value=${code}
              onValue=${setCode}
              inputmode="numeric"
              pattern="[0-9]*"
              maxlength="6"
              autocomplete="one-time-code"
              required
              autofocus
            />`}
        <${Button} type="submit" busy=${busy} class="btn-block">${t('signin.verify')}<//>
        ${passkeyStep &&
        html`<div class="divider"><span>${t('signin.or')}</span></div>
          <${Button} kind="secondary" class="btn-block" onClick=${passkey} disabled=${busy} data-testid="passkey-second-step">
            ${t('signin.usePasskey')}
          <//>`}
        <div class="auth-links">
          <button
            type="button"
            class="link-btn"
            onClick=${() => {
              setRecovery(!recovery);
              setCode('');
              setError('');
            }}
          >
            ${recovery ? t('signin.useTotp') : t('signin.useRecovery')}
          </button>
          <button
            type="button"
            class="link-btn"
            onClick=${() => {
              setStep('password');
              setRecovery(false);
              setError('');
            }}
          >
            ${t('signin.startOver')}
          </button>
        </div>
      </form>
    <//>`;
  }

  return html`<${AuthShell} title=${t('signin.subtitle')}>
    <form class="stack" onSubmit=${submitPassword} novalidate>
      ${error && html`<${Alert}>${error}<//>`}
      <${TextField}
        label=${t('signin.loginId')}
        name="loginId"
        value=${loginId}
        onValue=${setLoginId}
        placeholder=${t('signin.loginIdHint')}
        autocomplete="username webauthn"
        autocapitalize="off"
        spellcheck="false"
        required
        autofocus
      />
      <${TextField}
        label=${t('signin.password')}
        name="password"
        type="password"
        value=${password}
        onValue=${setPassword}
        autocomplete="current-password"
        required
      />
      <${Button} type="submit" busy=${busy} class="btn-block">${t('signin.submit')}<//>
    </form>
    ${passkeysSupported() &&
    html`<div class="divider"><span>${t('signin.or')}</span></div>
      <${Button} kind="secondary" class="btn-block" onClick=${passkey} disabled=${busy} data-testid="passkey-signin">
        ${t('signin.passkey')}
      <//>`}
  <//>`;
}
