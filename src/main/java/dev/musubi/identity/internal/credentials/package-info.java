/**
 * Credential policy of the identity module, in plain Java without Spring: which login IDs may be
 * taken and how they are keyed for uniqueness, which passwords are acceptable, how passwords are
 * hashed, TOTP second factors with their QR codes, and recovery codes. Classes here return result
 * records; callers map them to problems.
 */
@NullMarked
package dev.musubi.identity.internal.credentials;

import org.jspecify.annotations.NullMarked;
