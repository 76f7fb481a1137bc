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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A talk's members and settings in the web client: the owner renames it, adds a member and a custom
 * group, removes a member, mutes and pins it, makes a member owner and takes it back; a member
 * leaves.
 */
@MusubiIntegrationTest
class TalkRoomDetailsBrowserTests extends BrowserTestBase {

  @Autowired JdbcClient jdbc;

  List<UUID> members(String room) {
    return jdbc.sql("SELECT member_id FROM talk_member WHERE room_id = ?")
        .param(UUID.fromString(room))
        .query(UUID.class)
        .list();
  }

  String role(String room, UUID member) {
    return jdbc.sql("SELECT role FROM talk_member WHERE room_id = ? AND member_id = ?")
        .params(UUID.fromString(room), member)
        .query(String.class)
        .single();
  }

  @Test
  void theOwnerManagesMembersAndSettingsAndAMemberLeaves() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    Fixtures.TestMember suzuki = fixtures.member(c, "suzuki");
    Fixtures.TestMember yamada = fixtures.member(c, "yamada");
    c.admin()
        .post(
            "/api/v1/admin/groups",
            Map.of("name", "営業チーム", "memberIds", List.of(yamada.id().toString())));
    String room =
        tanaka
            .client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "group", "name", "企画", "members", List.of(sato.id().toString())))
            .json()
            .get("id")
            .asString();

    Page page = browser.newPage();
    page.navigate("/#/talk/" + room);
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    page.getByTestId("room-details-open").click();
    Locator dialog = page.getByTestId("room-details");
    assertThat(dialog.getByTestId("room-members")).containsText("tanaka");

    // Rename.
    dialog.getByTestId("room-name").fill("企画会議");
    dialog.getByTestId("room-rename").click();
    assertThat(page.locator(".talk-room-title")).hasText("企画会議");

    // Add a member found by search, and a custom group.
    dialog.getByTestId("room-add-search").fill("suzuki");
    dialog.locator("[data-add='" + suzuki.loginId() + "']").click();
    assertThat(dialog.getByTestId("room-members").locator("[data-member='" + suzuki.id() + "']"))
        .isVisible();
    dialog
        .getByTestId("room-add-group")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("営業チーム"));
    dialog.getByTestId("room-add-group-go").click();
    assertThat(dialog.getByTestId("room-members").locator("[data-member='" + yamada.id() + "']"))
        .isVisible();
    assertThat(members(room))
        .containsExactlyInAnyOrder(tanaka.id(), sato.id(), suzuki.id(), yamada.id());

    // Remove one; mute and pin.
    Locator members = dialog.getByTestId("room-members");
    members.locator("[data-member='" + sato.id() + "'] [data-action='remove']").click();
    assertThat(dialog.getByTestId("room-members").locator("[data-member='" + sato.id() + "']"))
        .isHidden();
    dialog.getByTestId("room-mute").check();
    assertThat(dialog.getByTestId("room-mute")).isChecked();
    dialog.getByTestId("room-pin").check();
    assertThat(dialog.getByTestId("room-pin")).isChecked();
    // Make yamada an owner; the only owner cannot step down until then.
    Locator mineRow = members.locator("[data-member='" + tanaka.id() + "']");
    Locator yamadaRow = members.locator("[data-member='" + yamada.id() + "']");
    assertThat(mineRow.locator("[data-action='owner-revoke']")).hasCount(0);
    yamadaRow.locator("[data-action='owner-grant']").click();
    assertThat(yamadaRow.locator("[data-owner]")).hasText("オーナー");
    assertThat(role(room, yamada.id())).isEqualTo("owner");
    assertThat(mineRow.locator("[data-action='owner-revoke']")).isVisible();
    browser.screenshot(page, "talk-room-details.png");
    yamadaRow.locator("[data-action='owner-revoke']").click();
    assertThat(yamadaRow.locator("[data-owner]")).hasCount(0);
    assertThat(role(room, yamada.id())).isEqualTo("member");
    Map<String, Object> mine =
        jdbc.sql("SELECT muted, pinned FROM talk_member WHERE room_id = ? AND member_id = ?")
            .params(UUID.fromString(room), tanaka.id())
            .query()
            .singleRow();
    assertThat(mine.values()).containsOnly(true);
    assertThat(members(room)).containsExactlyInAnyOrder(tanaka.id(), suzuki.id(), yamada.id());
    assertThat(
            jdbc.sql("SELECT name FROM talk_room WHERE id = ?")
                .param(UUID.fromString(room))
                .query(String.class)
                .single())
        .isEqualTo("企画会議");

    // A member (not an owner) sees no rename or remove, and leaves.
    Page theirs = browser.newPage();
    theirs.navigate("/#/talk/" + room);
    Browser.submitPassword(theirs, suzuki.loginId(), Fixtures.PASSWORD);
    theirs.getByTestId("room-details-open").click();
    Locator their = theirs.getByTestId("room-details");
    assertThat(their.getByTestId("room-rename")).hasCount(0);
    assertThat(their.getByTestId("room-members").locator("button")).hasCount(0);
    their.getByTestId("room-leave").click();
    theirs.locator("button.btn-danger").click();
    assertThat(theirs).hasURL(java.util.regex.Pattern.compile(".*#/talk$"));
    assertThat(members(room)).containsExactlyInAnyOrder(tanaka.id(), yamada.id());
  }
}
