package dev.musubi.contacts.codec;

import dev.musubi.contacts.Contact;
import dev.musubi.contacts.ContactInput;
import ezvcard.Ezvcard;
import ezvcard.VCard;
import ezvcard.VCardVersion;
import ezvcard.io.text.VCardReader;
import ezvcard.parameter.AddressType;
import ezvcard.parameter.EmailType;
import ezvcard.parameter.ImageType;
import ezvcard.parameter.TelephoneType;
import ezvcard.property.Address;
import ezvcard.property.Categories;
import ezvcard.property.Email;
import ezvcard.property.FormattedName;
import ezvcard.property.Note;
import ezvcard.property.Organization;
import ezvcard.property.Photo;
import ezvcard.property.RawProperty;
import ezvcard.property.StructuredName;
import ezvcard.property.Telephone;
import ezvcard.property.Title;
import ezvcard.property.Uid;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * vCard 3.0 and 4.0 to and from contacts. Japanese readings travel as {@code X-PHONETIC-LAST-NAME},
 * {@code X-PHONETIC-FIRST-NAME} and {@code X-PHONETIC-ORG} (what iOS and Android write), and as
 * {@code SORT-STRING} in 3.0 / the {@code SORT-AS} parameter of N in 4.0 when those are all a file
 * has.
 */
public final class VCards {

  /** One vCard read from a file: the contact, its UID, raw photo bytes and parser warnings. */
  public record Parsed(
      ContactInput input, @Nullable String uid, byte @Nullable [] photo, List<String> warnings) {}

  /** The file is not vCard at all. */
  public static final class VCardException extends Exception {
    public VCardException(String message) {
      super(message, null, false, false);
    }
  }

  private VCards() {}

  /** Reads every vCard in a text; at most {@code max} (more is an error). */
  public static List<Parsed> read(String text, int max) throws VCardException {
    String start = text.stripLeading();
    if (!start.regionMatches(true, 0, "BEGIN:VCARD", 0, 11)) {
      throw new VCardException("The file holds no vCard (it must start with BEGIN:VCARD).");
    }
    List<Parsed> out = new ArrayList<>();
    try (VCardReader reader = new VCardReader(new StringReader(text))) {
      VCard card;
      while ((card = reader.readNext()) != null) {
        if (out.size() >= max) {
          throw new VCardException("Too many vCards (at most " + max + ").");
        }
        List<String> warnings = new ArrayList<>();
        reader.getWarnings().forEach(w -> warnings.add(w.toString()));
        out.add(parsed(card, warnings));
      }
    } catch (IOException | RuntimeException e) {
      throw new VCardException("The vCard file cannot be read: " + summary(e));
    }
    if (out.isEmpty()) {
      throw new VCardException("The file holds no vCard.");
    }
    return out;
  }

  /** Writes contacts as vCard 3.0 or 4.0 text. */
  public static String write(List<Written> contacts, VCardVersion version) {
    List<VCard> cards = new ArrayList<>();
    for (Written w : contacts) {
      cards.add(card(w.contact(), w.photo()));
    }
    return Ezvcard.write(cards).version(version).prodId(false).go();
  }

  /** One vCard for one contact. */
  public static String write(Contact contact, byte @Nullable [] photo, VCardVersion version) {
    return Ezvcard.write(card(contact, photo)).version(version).prodId(false).go();
  }

  /** A contact and its photo, to write. */
  public record Written(Contact contact, byte @Nullable [] photo) {}

  // ------------------------------------------------------------------------------------------

  private static Parsed parsed(VCard card, List<String> warnings) {
    StructuredName n = card.getStructuredName();
    String family = n == null ? null : n.getFamily();
    String given = n == null ? null : n.getGiven();
    String familyReading = raw(card, "X-PHONETIC-LAST-NAME");
    String givenReading = raw(card, "X-PHONETIC-FIRST-NAME");
    if (familyReading == null && n != null && !n.getSortAs().isEmpty()) {
      // RFC 6350 §5.9: SORT-AS lists the sort strings of N's components, comma-separated; a quoted
      // parameter value arrives as one string.
      List<String> sortAs = new ArrayList<>();
      n.getSortAs().forEach(v -> sortAs.addAll(List.of(v.split(",", -1))));
      familyReading = sortAs.get(0);
      if (sortAs.size() > 1 && givenReading == null) {
        givenReading = sortAs.get(1);
      }
    }
    if (familyReading == null && card.getSortString() != null) {
      familyReading = card.getSortString().getValue();
    }
    FormattedName fn = card.getFormattedName();
    String company = null;
    String department = null;
    Organization org = card.getOrganization();
    if (org != null && !org.getValues().isEmpty()) {
      company = org.getValues().get(0);
      if (org.getValues().size() > 1) {
        department = String.join(" ", org.getValues().subList(1, org.getValues().size()));
      }
    }
    String title = card.getTitles().isEmpty() ? null : card.getTitles().get(0).getValue();
    List<Contact.Email> emails = new ArrayList<>();
    for (Email e : card.getEmails()) {
      emails.add(new Contact.Email(emailType(e.getTypes()), e.getValue()));
    }
    List<Contact.Phone> phones = new ArrayList<>();
    for (Telephone t : card.getTelephoneNumbers()) {
      String value =
          t.getText() != null ? t.getText() : t.getUri() == null ? null : t.getUri().getNumber();
      phones.add(new Contact.Phone(phoneType(t.getTypes()), value));
    }
    Contact.Address address = null;
    if (!card.getAddresses().isEmpty()) {
      Address a = card.getAddresses().get(0);
      address =
          new Contact.Address(
              orEmpty(a.getPostalCode()),
              orEmpty(a.getRegion()),
              orEmpty(a.getLocality()),
              String.join(" ", nonEmpty(a.getStreetAddress(), a.getExtendedAddress())),
              orEmpty(a.getCountry()));
    }
    StringBuilder notes = new StringBuilder();
    for (Note note : card.getNotes()) {
      if (note.getValue() != null) {
        if (!notes.isEmpty()) {
          notes.append("\n");
        }
        notes.append(note.getValue());
      }
    }
    List<String> tags = new ArrayList<>();
    for (Categories c : card.getCategoriesList()) {
      tags.addAll(c.getValues());
    }
    byte[] photo = null;
    if (!card.getPhotos().isEmpty()) {
      Photo p = card.getPhotos().get(0);
      photo = p.getData();
      if (photo == null) {
        warnings.add("The photo is a link, which is not fetched.");
      }
    }
    Uid uid = card.getUid();
    ContactInput input =
        new ContactInput(
            fn == null ? null : fn.getValue(),
            family,
            given,
            familyReading,
            givenReading,
            company,
            raw(card, "X-PHONETIC-ORG"),
            department,
            title,
            emails,
            phones,
            address,
            notes.toString(),
            tags,
            null);
    return new Parsed(input, uid == null ? null : uid.getValue(), photo, warnings);
  }

  private static VCard card(Contact c, byte @Nullable [] photo) {
    VCard card = new VCard();
    card.setUid(new Uid(c.uid()));
    card.setFormattedName(c.displayName());
    StructuredName n = new StructuredName();
    n.setFamily(c.familyName());
    n.setGiven(c.givenName());
    if (!c.familyNameReading().isBlank() || !c.givenNameReading().isBlank()) {
      n.setSortAs(c.familyNameReading(), c.givenNameReading());
    }
    card.setStructuredName(n);
    if (!c.familyNameReading().isBlank()) {
      card.addExtendedProperty("X-PHONETIC-LAST-NAME", c.familyNameReading());
    }
    if (!c.givenNameReading().isBlank()) {
      card.addExtendedProperty("X-PHONETIC-FIRST-NAME", c.givenNameReading());
    }
    if (!c.company().isBlank() || !c.department().isBlank()) {
      Organization org = new Organization();
      org.getValues().add(c.company());
      if (!c.department().isBlank()) {
        org.getValues().add(c.department());
      }
      card.setOrganization(org);
    }
    if (!c.companyReading().isBlank()) {
      card.addExtendedProperty("X-PHONETIC-ORG", c.companyReading());
    }
    if (!c.title().isBlank()) {
      card.addTitle(new Title(c.title()));
    }
    for (Contact.Email e : c.emails()) {
      Email email = new Email(e.value());
      switch (e.type()) {
        case "work" -> email.getTypes().add(EmailType.WORK);
        case "home" -> email.getTypes().add(EmailType.HOME);
        default -> {}
      }
      card.addEmail(email);
    }
    for (Contact.Phone p : c.phones()) {
      Telephone t = new Telephone(p.value());
      switch (p.type()) {
        case "work" -> t.getTypes().add(TelephoneType.WORK);
        case "home" -> t.getTypes().add(TelephoneType.HOME);
        case "mobile" -> t.getTypes().add(TelephoneType.CELL);
        case "fax" -> t.getTypes().add(TelephoneType.FAX);
        default -> {}
      }
      card.addTelephoneNumber(t);
    }
    if (!c.address().isEmpty()) {
      Address a = new Address();
      a.setPostalCode(c.address().postalCode());
      a.setRegion(c.address().region());
      a.setLocality(c.address().locality());
      a.setStreetAddress(c.address().street());
      a.setCountry(c.address().country());
      a.getTypes().add(AddressType.WORK);
      card.addAddress(a);
    }
    if (!c.notes().isBlank()) {
      card.addNote(c.notes());
    }
    if (!c.tags().isEmpty()) {
      Categories cat = new Categories();
      cat.getValues().addAll(c.tags());
      card.addCategories(cat);
    }
    if (photo != null) {
      card.addPhoto(new Photo(photo, ImageType.JPEG));
    }
    return card;
  }

  private static @Nullable String raw(VCard card, String name) {
    RawProperty p = card.getExtendedProperty(name);
    return p == null ? null : p.getValue();
  }

  private static String emailType(List<EmailType> types) {
    if (types.contains(EmailType.HOME)) {
      return "home";
    }
    if (types.contains(EmailType.WORK) || types.isEmpty() || types.contains(EmailType.INTERNET)) {
      return "work";
    }
    return "other";
  }

  private static String phoneType(List<TelephoneType> types) {
    Set<TelephoneType> t = Set.copyOf(types);
    if (t.contains(TelephoneType.FAX)) {
      return "fax";
    }
    if (t.contains(TelephoneType.CELL)) {
      return "mobile";
    }
    if (t.contains(TelephoneType.HOME)) {
      return "home";
    }
    if (t.contains(TelephoneType.WORK) || t.isEmpty() || t.contains(TelephoneType.VOICE)) {
      return "work";
    }
    return "other";
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static List<String> nonEmpty(@Nullable String... values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        out.add(v);
      }
    }
    return out;
  }

  private static String summary(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.length() > 200 ? m.substring(0, 200) : m;
  }
}
