/**
 * Privacy (APPI and GDPR): a member's personal-data export prepared in the background, the
 * company's retention policy per service run by a daily job that really deletes, legal holds that
 * override it, the erasure of a purged member's data in every module, and the company's privacy
 * notice. Modules contribute through the ports in {@link dev.musubi.platform.privacy}; this module
 * depends on none of them.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit"})
package dev.musubi.privacy;

import org.jspecify.annotations.NullMarked;
