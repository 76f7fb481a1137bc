/**
 * Contacts: the company's shared address book of outside contacts, each member's personal book,
 * search by reading and romaji like the directory, duplicate detection and merge, vCard and CSV
 * import and export, CardDAV, and contacts collected from the mail a member sends (listening to
 * {@link dev.musubi.mail.MailSent}). The company directory itself belongs to identity ({@link
 * dev.musubi.identity.Directory}); contacts offers it read-only.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit", "mail"})
package dev.musubi.contacts;

import org.jspecify.annotations.NullMarked;
