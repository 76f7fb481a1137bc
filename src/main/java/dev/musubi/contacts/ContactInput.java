package dev.musubi.contacts;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A contact as a client sends it (create, replace, import). Absent fields are empty. {@code
 * version} may carry the expected version instead of an If-Match header.
 */
public record ContactInput(
    @Nullable String displayName,
    @Nullable String familyName,
    @Nullable String givenName,
    @Nullable String familyNameReading,
    @Nullable String givenNameReading,
    @Nullable String company,
    @Nullable String companyReading,
    @Nullable String department,
    @Nullable String title,
    @Nullable List<Contact.Email> emails,
    @Nullable List<Contact.Phone> phones,
    Contact.@Nullable Address address,
    @Nullable String notes,
    @Nullable List<String> tags,
    @Nullable Long version) {}
