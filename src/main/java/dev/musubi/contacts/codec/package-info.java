/**
 * Wire formats of the address book, in plain Java (no Spring): CSV (RFC 4180) with encoding
 * detection for files from Japanese Excel, vCard 3.0/4.0 (RFC 2426, RFC 6350) through ez-vcard, and
 * bounded photo decoding.
 */
@NullMarked
package dev.musubi.contacts.codec;

import org.jspecify.annotations.NullMarked;
