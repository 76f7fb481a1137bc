package dev.musubi.identity.web;

import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.Groups;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Custom groups as colleagues see them in the directory: names and active members. */
@RestController
@RequestMapping("/api/v1/directory/groups")
class DirectoryGroupsController {

  record GroupSummary(UUID id, String name, String description, int memberCount) {}

  record GroupView(UUID id, String name, String description, List<DirectoryMember> members) {}

  private final Groups groups;
  private final Directory directory;

  DirectoryGroupsController(Groups groups, Directory directory) {
    this.groups = groups;
    this.directory = directory;
  }

  @GetMapping
  List<GroupSummary> list() {
    MemberPrincipal me = CurrentMember.get();
    Set<UUID> active = activeIds(me.tenantId());
    return groups.list(me.tenantId()).stream()
        .map(
            g ->
                new GroupSummary(
                    g.id(),
                    g.name(),
                    g.description(),
                    (int) g.memberIds().stream().filter(active::contains).count()))
        .toList();
  }

  /** The group with its active members in 五十音順. */
  @GetMapping("/{id}")
  GroupView get(@PathVariable String id) {
    MemberPrincipal me = CurrentMember.get();
    UUID groupId = Ids.parseOrNull(id);
    if (groupId == null) {
      throw Problems.notFound();
    }
    Groups.Group g = groups.find(me.tenantId(), groupId).orElseThrow(Problems::notFound);
    Set<UUID> in = new HashSet<>(g.memberIds());
    return new GroupView(
        g.id(),
        g.name(),
        g.description(),
        directory.everyone(me.tenantId()).stream().filter(m -> in.contains(m.id())).toList());
  }

  private Set<UUID> activeIds(UUID tenantId) {
    Set<UUID> ids = new HashSet<>();
    directory.everyone(tenantId).forEach(m -> ids.add(m.id()));
    return ids;
  }
}
