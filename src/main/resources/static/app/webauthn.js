// Passkeys through Spring Security's WebAuthn endpoints. The request shapes follow Spring
// Security's own spring-security-webauthn.js (7.0): ArrayBuffers travel as base64url strings.
import { request } from './api.js';

export function passkeysSupported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

function toBase64Url(buffer) {
  const bytes = new Uint8Array(buffer);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '==='.slice((b64.length + 3) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** Signs in with a passkey. Resolves once the server has accepted the assertion. */
export async function signInWithPasskey() {
  const options = await request('POST', '/webauthn/authenticate/options', undefined, { quiet401: true });
  const publicKey = {
    ...options,
    challenge: fromBase64Url(options.challenge),
    allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
  };
  const cred = await navigator.credentials.get({ publicKey });
  const r = cred.response;
  const body = {
    id: cred.id,
    rawId: toBase64Url(cred.rawId),
    response: {
      authenticatorData: toBase64Url(r.authenticatorData),
      clientDataJSON: toBase64Url(r.clientDataJSON),
      signature: toBase64Url(r.signature),
      userHandle: r.userHandle ? toBase64Url(r.userHandle) : undefined,
    },
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment,
  };
  const result = await request('POST', '/login/webauthn', body, { quiet401: true });
  if (!result || result.authenticated !== true) throw new Error('passkey sign-in refused');
  return result;
}

/** Registers a new passkey for the signed-in member under `label`. */
export async function registerPasskey(label) {
  const options = await request('POST', '/webauthn/register/options', undefined);
  const publicKey = {
    ...options,
    user: { ...options.user, id: fromBase64Url(options.user.id) },
    challenge: fromBase64Url(options.challenge),
    excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
  };
  const created = await navigator.credentials.create({ publicKey });
  const r = created.response;
  const credential = {
    id: created.id,
    rawId: toBase64Url(created.rawId),
    response: {
      attestationObject: toBase64Url(r.attestationObject),
      clientDataJSON: toBase64Url(r.clientDataJSON),
      transports: r.getTransports ? r.getTransports() : [],
    },
    type: created.type,
    clientExtensionResults: created.getClientExtensionResults(),
    authenticatorAttachment: created.authenticatorAttachment,
  };
  const result = await request('POST', '/webauthn/register', { publicKey: { credential, label } });
  if (!result || result.success !== true) throw new Error('passkey registration refused');
}
