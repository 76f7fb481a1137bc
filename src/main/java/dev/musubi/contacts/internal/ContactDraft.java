package dev.musubi.contacts.internal;

import dev.musubi.contacts.Contact;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A validated contact ready to store: every field present, trimmed and within its limits. */
public record ContactDraft(
    String uid,
    String displayName,
    String familyName,
    String givenName,
    String familyNameReading,
    String givenNameReading,
    String company,
    String companyReading,
    String department,
    String title,
    List<Contact.Email> emails,
    List<Contact.Phone> phones,
    Contact.Address address,
    String notes,
    List<String> tags,
    byte @Nullable [] photo) {

  public ContactDraft withUid(String newUid) {
    return new ContactDraft(
        newUid,
        displayName,
        familyName,
        givenName,
        familyNameReading,
        givenNameReading,
        company,
        companyReading,
        department,
        title,
        emails,
        phones,
        address,
        notes,
        tags,
        photo);
  }
}
