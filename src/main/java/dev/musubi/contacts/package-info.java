/**
 * Contacts: the company's shared address book of outside contacts, each member's personal book,
 * search by reading and romaji like the directory, duplicate detection and merge, vCard and CSV
 * import and export, and CardDAV. The company directory itself belongs to identity ({@link
 * dev.musubi.identity.Directory}); contacts offers it read-only.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit"})
package dev.musubi.contacts;

import org.jspecify.annotations.NullMarked;
