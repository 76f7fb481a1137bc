package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Custom groups picked in the web client: a new talk with a group, a calendar shared with one. */
@MusubiIntegrationTest
class GroupPickersBrowserTests extends BrowserTestBase {

  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void start() {
    fixtures = new Fixtures(port);
  }

  @Test
  void aMemberStartsATalkWithAGroupAndSharesTheirCalendarWithIt() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    Fixtures.TestMember suzuki = fixtures.member(c, "suzuki");
    String group =
        c.admin()
            .post(
                "/api/v1/admin/groups",
                Map.of(
                    "name",
                    "広報チーム",
                    "memberIds",
                    List.of(sato.id().toString(), suzuki.id().toString())))
            .json()
            .get("id")
            .asString();

    Page page = browser.newPage(390, 844);
    page.navigate("/#/talk");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    page.getByTestId("new-talk").click();
    Locator dialog = page.getByTestId("new-talk-dialog");
    Locator pick = dialog.locator("[data-pick-group='広報チーム']");
    pick.check();
    assertThat(pick).isChecked();
    dialog.getByLabel("グループ名").fill("広報の連絡");
    page.getByTestId("start-talk").click();
    assertThat(dialog).isHidden();
    UUID room =
        jdbc.sql("SELECT id FROM talk_room WHERE tenant_id = ? AND name = '広報の連絡'")
            .param(c.id())
            .query(UUID.class)
            .single();
    assertThat(
            jdbc.sql("SELECT member_id FROM talk_member WHERE room_id = ?")
                .param(room)
                .query(UUID.class)
                .list())
        .containsExactlyInAnyOrder(tanaka.id(), sato.id(), suzuki.id());

    // The calendar list is in the side bar, shown on wider screens.
    page.setViewportSize(1280, 860);
    page.navigate("/#/calendar");
    page.locator(".cal-share-btn").first().click();
    Locator share = page.getByTestId("share-dialog");
    share.locator("select[name=shareGroup]").selectOption(group);
    share.locator("select[name=shareLevel]").selectOption("details");
    page.getByTestId("add-share").click();
    assertThat(share.locator(".cal-share-list")).containsText("広報チーム");
    browser.screenshot(page, "calendar-share-group.png");
    page.getByTestId("save-shares").click();
    assertThat(share).isHidden();
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM cal_share WHERE tenant_id = ? AND grantee_type = 'group'"
                        + " AND grantee_id = ? AND level = 'details'")
                .params(c.id(), UUID.fromString(group))
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }
}
