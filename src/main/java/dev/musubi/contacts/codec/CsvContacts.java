package dev.musubi.contacts.codec;

import dev.musubi.contacts.Contact;
import dev.musubi.contacts.ContactInput;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps CSV columns to contact fields by their header, in Japanese or English (Musubi's own export,
 * Outlook and Google style headers), and writes Musubi's CSV layout.
 */
public final class CsvContacts {

  /** A column and the field it maps to ({@code null}: ignored). */
  public record Column(int index, String header, @Nullable String field) {}

  /** The fields in Musubi's CSV layout, with their Japanese headers. */
  public static final List<Map.Entry<String, String>> LAYOUT =
      List.of(
          Map.entry("displayName", "表示名"),
          Map.entry("familyName", "姓"),
          Map.entry("givenName", "名"),
          Map.entry("familyNameReading", "姓（よみ）"),
          Map.entry("givenNameReading", "名（よみ）"),
          Map.entry("company", "会社名"),
          Map.entry("companyReading", "会社名（よみ）"),
          Map.entry("department", "部署"),
          Map.entry("title", "役職"),
          Map.entry("email.work", "メール（仕事）"),
          Map.entry("email.home", "メール（個人）"),
          Map.entry("phone.work", "電話（会社）"),
          Map.entry("phone.mobile", "携帯電話"),
          Map.entry("phone.fax", "FAX"),
          Map.entry("address.postalCode", "郵便番号"),
          Map.entry("address.region", "都道府県"),
          Map.entry("address.locality", "市区町村"),
          Map.entry("address.street", "番地"),
          Map.entry("address.country", "国"),
          Map.entry("notes", "メモ"),
          Map.entry("tags", "タグ"));

  private static final Map<String, String> HEADERS = new LinkedHashMap<>();

  static {
    alias("displayName", "表示名", "氏名", "名前", "name", "displayname", "fullname", "表示名前");
    alias("familyName", "姓", "lastname", "familyname", "surname", "名字", "苗字");
    alias("givenName", "名", "firstname", "givenname");
    alias(
        "familyNameReading",
        "姓よみ",
        "姓ふりがな",
        "姓フリガナ",
        "せい",
        "セイ",
        "フリガナ姓",
        "ふりがな姓",
        "lastnameyomi",
        "familynamereading",
        "familynameyomi",
        "phoneticlastname");
    alias(
        "givenNameReading",
        "名よみ",
        "名ふりがな",
        "名フリガナ",
        "めい",
        "メイ",
        "フリガナ名",
        "ふりがな名",
        "firstnameyomi",
        "givennamereading",
        "givennameyomi",
        "phoneticfirstname");
    alias("company", "会社名", "会社", "勤務先", "company", "organization", "organizationname");
    alias(
        "companyReading",
        "会社名よみ",
        "会社名ふりがな",
        "会社名フリガナ",
        "会社よみ",
        "companyreading",
        "companyyomi",
        "phoneticcompany");
    alias("department", "部署", "部署名", "所属", "department", "organizationdepartment");
    alias("title", "役職", "肩書", "肩書き", "title", "jobtitle", "organizationtitle");
    alias(
        "email.work",
        "メール",
        "メールアドレス",
        "メール仕事",
        "email",
        "e-mail",
        "emailaddress",
        "e-mailaddress",
        "email1value",
        "e-mail1-value",
        "emailwork");
    alias("email.home", "メール個人", "メール自宅", "email2value", "e-mail2address", "emailhome");
    alias(
        "phone.work",
        "電話",
        "電話番号",
        "電話会社",
        "会社電話",
        "phone",
        "businessphone",
        "phone1value",
        "phonework",
        "worktelephone");
    alias("phone.mobile", "携帯", "携帯電話", "携帯番号", "mobilephone", "mobile", "phonemobile");
    alias("phone.home", "自宅電話", "homephone", "phonehome");
    alias("phone.fax", "fax", "ファクス", "ファックス", "businessfax");
    alias("address.postalCode", "郵便番号", "〒", "postalcode", "zip", "zipcode", "businesspostalcode");
    alias("address.region", "都道府県", "region", "state", "prefecture", "businessstate");
    alias("address.locality", "市区町村", "city", "locality", "businesscity");
    alias("address.street", "番地", "住所", "street", "address", "businessstreet");
    alias("address.country", "国", "country", "countryregion", "businesscountry/region");
    alias("notes", "メモ", "備考", "notes", "note");
    alias("tags", "タグ", "グループ", "分類", "tags", "categories", "groupmembership");
  }

  private CsvContacts() {}

  private static void alias(String field, String... names) {
    for (String n : names) {
      HEADERS.put(key(n), field);
    }
  }

  private static String key(String header) {
    String n = Normalizer.normalize(header, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    n.codePoints()
        .filter(cp -> !Character.isWhitespace(cp))
        .filter(cp -> "()[]{}「」『』【】_・:'\"".indexOf(cp) < 0)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** The mapping for a header row; unknown and repeated columns map to null. */
  public static List<Column> mapping(List<String> header) {
    List<Column> columns = new ArrayList<>();
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i);
      String field = HEADERS.get(key(h));
      if (field != null && !used.add(field)) {
        field = null;
      }
      columns.add(new Column(i, h, field));
    }
    return columns;
  }

  /** One data row as a contact, by the mapping. */
  public static ContactInput input(List<Column> mapping, List<String> row) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Column c : mapping) {
      if (c.field() != null && c.index() < row.size()) {
        v.put(c.field(), unneutralise(row.get(c.index())));
      }
    }
    List<Contact.Email> emails = new ArrayList<>();
    for (String type : List.of("work", "home")) {
      String e = v.get("email." + type);
      if (e != null && !e.isBlank()) {
        emails.add(new Contact.Email(type, e));
      }
    }
    List<Contact.Phone> phones = new ArrayList<>();
    for (String type : List.of("work", "mobile", "home", "fax")) {
      String p = v.get("phone." + type);
      if (p != null && !p.isBlank()) {
        phones.add(new Contact.Phone(type, p));
      }
    }
    List<String> tags = new ArrayList<>();
    String t = v.get("tags");
    if (t != null) {
      for (String part : t.split("[;,、；，]|:::")) {
        if (!part.isBlank()) {
          tags.add(part.strip());
        }
      }
    }
    return new ContactInput(
        v.get("displayName"),
        v.get("familyName"),
        v.get("givenName"),
        v.get("familyNameReading"),
        v.get("givenNameReading"),
        v.get("company"),
        v.get("companyReading"),
        v.get("department"),
        v.get("title"),
        emails,
        phones,
        new Contact.Address(
            v.getOrDefault("address.postalCode", ""),
            v.getOrDefault("address.region", ""),
            v.getOrDefault("address.locality", ""),
            v.getOrDefault("address.street", ""),
            v.getOrDefault("address.country", "")),
        v.get("notes"),
        tags,
        null);
  }

  /** Musubi's CSV: the header row and one row per contact. */
  public static List<List<String>> rows(List<Contact> contacts) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(LAYOUT.stream().map(Map.Entry::getValue).toList());
    for (Contact c : contacts) {
      List<String> r = new ArrayList<>();
      for (Map.Entry<String, String> col : LAYOUT) {
        r.add(value(c, col.getKey()));
      }
      rows.add(r);
    }
    return rows;
  }

  private static String value(Contact c, String field) {
    return switch (field) {
      case "displayName" -> c.displayName();
      case "familyName" -> c.familyName();
      case "givenName" -> c.givenName();
      case "familyNameReading" -> c.familyNameReading();
      case "givenNameReading" -> c.givenNameReading();
      case "company" -> c.company();
      case "companyReading" -> c.companyReading();
      case "department" -> c.department();
      case "title" -> c.title();
      case "email.work" -> email(c, "work");
      case "email.home" -> email(c, "home");
      case "phone.work" -> phone(c, "work");
      case "phone.mobile" -> phone(c, "mobile");
      case "phone.fax" -> phone(c, "fax");
      case "address.postalCode" -> c.address().postalCode();
      case "address.region" -> c.address().region();
      case "address.locality" -> c.address().locality();
      case "address.street" -> c.address().street();
      case "address.country" -> c.address().country();
      case "notes" -> c.notes();
      case "tags" -> String.join(";", c.tags());
      default -> "";
    };
  }

  private static String email(Contact c, String column) {
    // The work column takes every address that is not a home one, the first of them.
    return c.emails().stream()
        .filter(e -> column.equals("home") == e.type().equals("home"))
        .map(Contact.Email::value)
        .findFirst()
        .orElse("");
  }

  private static String phone(Contact c, String type) {
    return c.phones().stream()
        .filter(p -> p.type().equals(type))
        .map(Contact.Phone::value)
        .findFirst()
        .orElse("");
  }

  /** Undoes the apostrophe our export puts before formula-like cells, so a round trip is exact. */
  private static String unneutralise(String cell) {
    if (cell.length() > 1
        && cell.charAt(0) == '\''
        && "=+-@\t\r＝＋－＠".indexOf(cell.charAt(1)) >= 0) {
      return cell.substring(1);
    }
    return cell;
  }
}
