/**
 * Identity: companies (tenants), members, departments, roles, sign-in (password, TOTP, passkeys),
 * lockout, sessions, personal access tokens and the company's security policy. Everything other
 * modules need to know about who is calling comes from here.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "platform::security", "platform::web", "audit"})
package dev.musubi.identity;

import org.jspecify.annotations.NullMarked;
