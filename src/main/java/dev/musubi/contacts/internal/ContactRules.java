package dev.musubi.contacts.internal;

import dev.musubi.contacts.Contact;
import dev.musubi.contacts.ContactInput;
import dev.musubi.platform.web.ProblemException.FieldError;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Checks and tidies a contact as a client sent it; every problem becomes a field error. */
public final class ContactRules {

  public static final Set<String> EMAIL_TYPES = Set.of("work", "home", "other");
  public static final Set<String> PHONE_TYPES = Set.of("work", "mobile", "home", "fax", "other");
  public static final int MAX_EMAILS = 10;
  public static final int MAX_PHONES = 10;
  public static final int MAX_TAGS = 20;

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s.]+$");
  private static final Pattern PHONE = Pattern.compile("^\\+?[0-9()\\- .]{2,40}$");

  private ContactRules() {}

  /** A tidy draft, or field errors added to {@code errors} (then the draft is not usable). */
  public static ContactDraft check(
      ContactInput in, String uid, byte @Nullable [] photo, List<FieldError> errors) {
    String family = text(errors, "familyName", in.familyName(), 100, false);
    String given = text(errors, "givenName", in.givenName(), 100, false);
    String familyReading = text(errors, "familyNameReading", in.familyNameReading(), 100, false);
    String givenReading = text(errors, "givenNameReading", in.givenNameReading(), 100, false);
    String company = text(errors, "company", in.company(), 200, false);
    String companyReading = text(errors, "companyReading", in.companyReading(), 200, false);
    String department = text(errors, "department", in.department(), 200, false);
    String title = text(errors, "title", in.title(), 100, false);
    String notes = text(errors, "notes", in.notes(), 10000, true);
    List<Contact.Email> emails = new ArrayList<>();
    List<Contact.Email> givenEmails = in.emails() == null ? List.of() : in.emails();
    if (givenEmails.size() > MAX_EMAILS) {
      errors.add(new FieldError("emails", "too_many", "At most " + MAX_EMAILS + " addresses."));
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (Contact.Email e : givenEmails) {
        if (e == null || e.value() == null || e.value().isBlank()) {
          continue;
        }
        String value = e.value().strip();
        if (value.length() > 320 || !EMAIL.matcher(value).matches()) {
          errors.add(new FieldError("emails", "email", "Not a valid email address."));
          continue;
        }
        String type = type(errors, "emails", e.type(), EMAIL_TYPES);
        if (seen.add(value.toLowerCase(Locale.ROOT))) {
          emails.add(new Contact.Email(type, value));
        }
      }
    }
    List<Contact.Phone> phones = new ArrayList<>();
    List<Contact.Phone> givenPhones = in.phones() == null ? List.of() : in.phones();
    if (givenPhones.size() > MAX_PHONES) {
      errors.add(new FieldError("phones", "too_many", "At most " + MAX_PHONES + " numbers."));
    } else {
      for (Contact.Phone p : givenPhones) {
        if (p == null || p.value() == null || p.value().isBlank()) {
          continue;
        }
        String value = Normalizer.normalize(p.value(), Normalizer.Form.NFKC).strip();
        if (!PHONE.matcher(value).matches()) {
          errors.add(new FieldError("phones", "phone", "Only digits, spaces, + - ( ) . allowed."));
          continue;
        }
        phones.add(new Contact.Phone(type(errors, "phones", p.type(), PHONE_TYPES), value));
      }
    }
    Contact.Address a = in.address() == null ? Contact.Address.EMPTY : in.address();
    Contact.Address address =
        new Contact.Address(
            text(errors, "address.postalCode", a.postalCode(), 20, false),
            text(errors, "address.region", a.region(), 100, false),
            text(errors, "address.locality", a.locality(), 200, false),
            text(errors, "address.street", a.street(), 400, false),
            text(errors, "address.country", a.country(), 100, false));
    List<String> tags = new ArrayList<>();
    List<String> givenTags = in.tags() == null ? List.of() : in.tags();
    if (givenTags.size() > MAX_TAGS) {
      errors.add(new FieldError("tags", "too_many", "At most " + MAX_TAGS + " tags."));
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (String t : givenTags) {
        String tag = text(errors, "tags", t, 50, false);
        if (!tag.isEmpty() && seen.add(tag)) {
          tags.add(tag);
        }
      }
    }
    String display = text(errors, "displayName", in.displayName(), 200, false);
    if (display.isEmpty()) {
      display = (family + " " + given).strip();
    }
    if (display.isEmpty()) {
      display = company;
    }
    if (display.isEmpty() && !emails.isEmpty()) {
      display = emails.get(0).value();
    }
    if (display.isEmpty() && errors.isEmpty()) {
      errors.add(
          new FieldError(
              "displayName", "required", "Give at least a name, a company or an email address."));
    }
    return new ContactDraft(
        uid,
        display,
        family,
        given,
        familyReading,
        givenReading,
        company,
        companyReading,
        department,
        title,
        List.copyOf(emails),
        List.copyOf(phones),
        address,
        notes,
        List.copyOf(tags),
        photo);
  }

  private static String type(
      List<FieldError> errors, String field, @Nullable String type, Set<String> allowed) {
    if (type == null || type.isBlank()) {
      return "work";
    }
    String t = type.strip().toLowerCase(Locale.ROOT);
    if (!allowed.contains(t)) {
      errors.add(new FieldError(field, "unknown_type", "Type must be one of " + allowed + "."));
      return "other";
    }
    return t;
  }

  private static String text(
      List<FieldError> errors, String field, @Nullable String value, int max, boolean multiline) {
    if (value == null) {
      return "";
    }
    String v = value.strip();
    if (v.codePointCount(0, v.length()) > max) {
      errors.add(new FieldError(field, "too_long", "At most " + max + " characters."));
      return "";
    }
    if (v.codePoints().anyMatch(cp -> forbidden(cp, multiline))) {
      errors.add(new FieldError(field, "invalid_characters", "Contains control characters."));
      return "";
    }
    return v;
  }

  private static boolean forbidden(int cp, boolean multiline) {
    if (multiline && (cp == '\n' || cp == '\t' || cp == '\r')) {
      return false;
    }
    return Character.getType(cp) == Character.CONTROL
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200E
        || cp == 0x200F;
  }
}
