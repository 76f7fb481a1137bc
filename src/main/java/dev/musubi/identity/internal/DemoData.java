package dev.musubi.identity.internal;

import dev.musubi.identity.Company;
import dev.musubi.identity.Department;
import dev.musubi.identity.Departments;
import dev.musubi.identity.Members;
import dev.musubi.identity.NewMember;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.web.ProblemException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Profile {@code demo}: fills the bootstrap company with a department tree and about forty members,
 * so that a first look at Musubi shows a realistic directory. Runs after {@link Bootstrap} has
 * created the company and only while the company has no departments, so a restart adds nothing.
 */
@Component
@Profile("demo")
class DemoData {

  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  static final String ACTOR = "demo-data";

  private record Dept(String key, @Nullable String parent, String name, String reading) {}

  private record Person(
      String loginId,
      String familyName,
      String givenName,
      String familyReading,
      String givenReading,
      String department,
      String position) {}

  private static final List<Dept> DEPARTMENTS =
      List.of(
          new Dept("hq", null, "本社", "ほんしゃ"),
          new Dept("sales", "hq", "営業部", "えいぎょうぶ"),
          new Dept("sales1", "sales", "第一営業課", "だいいちえいぎょうか"),
          new Dept("sales2", "sales", "第二営業課", "だいにえいぎょうか"),
          new Dept("dev", "hq", "開発部", "かいはつぶ"),
          new Dept("platform", "dev", "プラットフォームチーム", "ぷらっとふぉーむちーむ"),
          new Dept("mobile", "dev", "モバイルチーム", "もばいるちーむ"),
          new Dept("hr", "hq", "人事部", "じんじぶ"),
          new Dept("accounting", "hq", "経理部", "けいりぶ"),
          new Dept("general", "hq", "総務部", "そうむぶ"));

  private static final List<Person> PEOPLE =
      List.of(
          new Person("takahashi.makoto", "高橋", "誠", "たかはし", "まこと", "hq", "代表取締役"),
          new Person("sato.kenichi", "佐藤", "健一", "さとう", "けんいち", "sales", "部長"),
          new Person("suzuki.ichiro", "鈴木", "一郎", "すずき", "いちろう", "sales1", "課長"),
          new Person("tanaka.misaki", "田中", "美咲", "たなか", "みさき", "sales1", "主任"),
          new Person("ito.shota", "伊藤", "翔太", "いとう", "しょうた", "sales1", "メンバー"),
          new Person("watanabe.sakura", "渡辺", "さくら", "わたなべ", "さくら", "sales1", "メンバー"),
          new Person("yamamoto.daisuke", "山本", "大輔", "やまもと", "だいすけ", "sales1", "メンバー"),
          new Person("nakamura.naoki", "中村", "直樹", "なかむら", "なおき", "sales2", "課長"),
          new Person("kobayashi.yuko", "小林", "優子", "こばやし", "ゆうこ", "sales2", "主任"),
          new Person("kato.takuya", "加藤", "拓也", "かとう", "たくや", "sales2", "メンバー"),
          new Person("yoshida.ai", "吉田", "愛", "よしだ", "あい", "sales2", "メンバー"),
          new Person("yamada.hanako", "山田", "花子", "やまだ", "はなこ", "sales2", "メンバー"),
          new Person("matsumoto.koji", "松本", "浩二", "まつもと", "こうじ", "dev", "部長"),
          new Person("inoue.tsuyoshi", "井上", "剛", "いのうえ", "つよし", "platform", "課長"),
          new Person("kimura.aya", "木村", "彩", "きむら", "あや", "platform", "主任"),
          new Person("hayashi.kenta", "林", "健太", "はやし", "けんた", "platform", "メンバー"),
          new Person("shimizu.hina", "清水", "陽菜", "しみず", "ひな", "platform", "メンバー"),
          new Person("yamaguchi.ren", "山口", "蓮", "やまぐち", "れん", "platform", "メンバー"),
          new Person("mori.yuto", "森", "悠斗", "もり", "ゆうと", "platform", "メンバー"),
          new Person("ikeda.mayumi", "池田", "真由美", "いけだ", "まゆみ", "mobile", "課長"),
          new Person("hashimoto.ryo", "橋本", "亮", "はしもと", "りょう", "mobile", "主任"),
          new Person("abe.yui", "阿部", "結衣", "あべ", "ゆい", "mobile", "メンバー"),
          new Person("ishikawa.yamato", "石川", "大和", "いしかわ", "やまと", "mobile", "メンバー"),
          new Person("maeda.aoi", "前田", "葵", "まえだ", "あおい", "mobile", "メンバー"),
          new Person("fujita.keiko", "藤田", "恵子", "ふじた", "けいこ", "hr", "部長"),
          new Person("okada.manabu", "岡田", "学", "おかだ", "まなぶ", "hr", "課長"),
          new Person("goto.chihiro", "後藤", "千尋", "ごとう", "ちひろ", "hr", "主任"),
          new Person("hasegawa.miho", "長谷川", "美穂", "はせがわ", "みほ", "hr", "メンバー"),
          new Person("murakami.hayate", "村上", "颯", "むらかみ", "はやて", "hr", "メンバー"),
          new Person("kondo.hiroshi", "近藤", "博", "こんどう", "ひろし", "accounting", "部長"),
          new Person("sakamoto.yumi", "坂本", "由美", "さかもと", "ゆみ", "accounting", "課長"),
          new Person("endo.takashi", "遠藤", "隆", "えんどう", "たかし", "accounting", "主任"),
          new Person("aoki.nana", "青木", "奈々", "あおき", "なな", "accounting", "メンバー"),
          new Person("fujii.riku", "藤井", "陸", "ふじい", "りく", "accounting", "メンバー"),
          new Person("nishimura.kazuo", "西村", "和夫", "にしむら", "かずお", "general", "部長"),
          new Person("fukuda.akemi", "福田", "明美", "ふくだ", "あけみ", "general", "課長"),
          new Person("ota.satoshi", "太田", "聡", "おおた", "さとし", "general", "主任"),
          new Person("miura.mei", "三浦", "芽衣", "みうら", "めい", "general", "メンバー"),
          new Person("fujiwara.minato", "藤原", "湊", "ふじわら", "みなと", "general", "メンバー"),
          new Person("okamoto.mai", "岡本", "舞", "おかもと", "まい", "general", "メンバー"));

  private final MusubiProperties properties;
  private final CompanyStore companies;
  private final Departments departments;
  private final Members members;

  DemoData(
      MusubiProperties properties,
      CompanyStore companies,
      Departments departments,
      Members members) {
    this.properties = properties;
    this.companies = companies;
    this.departments = departments;
    this.members = members;
  }

  /**
   * Runs after {@link Bootstrap#onStart()} (which has a higher precedence) in the same event. Each
   * department and member is its own transaction, so a refused member is skipped, not fatal.
   */
  @EventListener(ApplicationReadyEvent.class)
  @Order(Ordered.LOWEST_PRECEDENCE)
  public void onStart() {
    var b = properties.bootstrap();
    String domain = b.domain() == null ? "" : b.domain().strip().toLowerCase(Locale.ROOT);
    String password = b.password();
    Optional<Company> found = domain.isEmpty() ? Optional.empty() : companies.findByDomain(domain);
    if (found.isEmpty() || password == null || password.isBlank()) {
      log.warn("Demo data skipped: no bootstrap company for domain '{}'", domain);
      return;
    }
    Company company = found.get();
    if (!departments.list(company.id()).isEmpty()) {
      log.info("Demo data already present in {}", company.domain());
      return;
    }
    Map<String, UUID> ids = new HashMap<>();
    int order = 0;
    for (Dept d : DEPARTMENTS) {
      UUID parent = d.parent() == null ? null : ids.get(d.parent());
      Department created =
          departments.createIn(company.id(), d.name(), d.reading(), parent, order++, null, ACTOR);
      ids.put(d.key(), created.id());
    }
    int created = 0;
    for (Person p : PEOPLE) {
      try {
        members.createIn(company, member(p, password, ids.get(p.department())), null, ACTOR, false);
        created++;
      } catch (ProblemException e) {
        log.warn("Demo member {} skipped: {}", p.loginId(), e.errors());
      }
    }
    log.info(
        "Demo data: {} departments and {} members in {} ({}). Sign in as {}@{} or e.g."
            + " sato.kenichi@{} with the bootstrap password.",
        DEPARTMENTS.size(),
        created,
        company.name(),
        company.domain(),
        b.admin(),
        company.domain(),
        company.domain());
  }

  private static NewMember member(Person p, String password, UUID departmentId) {
    return new NewMember(
        p.loginId(),
        password,
        p.familyName() + " " + p.givenName(),
        p.familyName(),
        p.givenName(),
        p.familyReading(),
        p.givenReading(),
        null,
        null,
        null,
        null,
        null,
        List.of(new NewMember.Placement(departmentId, p.position(), true)));
  }
}
