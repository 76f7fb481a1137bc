package dev.musubi.contacts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A contact in an address book. {@code version} grows with every change and is the contact's ETag.
 */
public record Contact(
    UUID id,
    String book,
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
    List<Email> emails,
    List<Phone> phones,
    Address address,
    String notes,
    List<String> tags,
    boolean hasPhoto,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  /** An email address; type is work, home or other. */
  public record Email(String type, String value) {}

  /** A phone number; type is work, mobile, home, fax or other. */
  public record Phone(String type, String value) {}

  /** A postal address (Japanese order: postal code, prefecture, city, street). */
  public record Address(
      String postalCode, String region, String locality, String street, String country) {
    public static final Address EMPTY = new Address("", "", "", "", "");

    @JsonIgnore
    public boolean isEmpty() {
      return (postalCode + region + locality + street + country).isBlank();
    }
  }

  /** The ETag for this version of the contact (strong, quoted). */
  public String etag() {
    return "\"" + version + "\"";
  }

  /** The reading used to sort: the person's reading, else the company's, else the name. */
  @JsonIgnore
  public String sortReading() {
    String r = familyNameReading + givenNameReading;
    if (!r.isBlank()) {
      return r;
    }
    if (!companyReading.isBlank()) {
      return companyReading;
    }
    return displayName;
  }
}
