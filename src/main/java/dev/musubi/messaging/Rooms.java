package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.Department;
import dev.musubi.identity.Departments;
import dev.musubi.identity.Groups;
import dev.musubi.identity.Memberships;
import dev.musubi.messaging.internal.ActiveMembers;
import dev.musubi.messaging.internal.TalkStore;
import dev.musubi.messaging.internal.TalkStore.MemberRow;
import dev.musubi.messaging.internal.TalkStore.MyRoomRow;
import dev.musubi.messaging.internal.TalkStore.RoomRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Talk rooms of the caller: create, list, read, rename, members, mute and pin, read pointer. Every
 * method takes the acting principal; a room the caller is not a member of, or another company's,
 * answers 404.
 */
@Service
public class Rooms {

  /** The most members a room may have. */
  public static final int MAX_MEMBERS = 1000;

  /** The most custom groups one request may add. */
  public static final int MAX_GROUPS = 50;

  private final TalkStore store;
  private final ActiveMembers activeMembers;
  private final Departments departments;
  private final Memberships memberships;
  private final Groups groups;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;

  Rooms(
      TalkStore store,
      ActiveMembers activeMembers,
      Departments departments,
      Memberships memberships,
      Groups groups,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      ApplicationEventPublisher events,
      PlatformTransactionManager transactions) {
    this.store = store;
    this.activeMembers = activeMembers;
    this.departments = departments;
    this.memberships = memberships;
    this.groups = groups;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
    this.tx = new TransactionTemplate(transactions);
  }

  /** A room and whether this call created it (false: an existing direct room was returned). */
  public record Creation(Room room, boolean created) {}

  /**
   * Creates a room. A direct room with one other member returns the existing one when present; 422
   * for an unknown type, a missing name or members who are not active in the company.
   */
  public Creation create(
      MemberPrincipal actor,
      @Nullable String type,
      @Nullable String name,
      @Nullable List<String> memberIds) {
    return create(actor, type, name, memberIds, null, false);
  }

  /**
   * Creates a room; a {@code department} room (member and super admins only) holds the active
   * members of {@code departmentId} (and of the departments below it with {@code
   * includeSubDepartments}) and follows the directory from then on; its creator is its owner.
   */
  public Creation create(
      MemberPrincipal actor,
      @Nullable String type,
      @Nullable String name,
      @Nullable List<String> memberIds,
      @Nullable UUID departmentId,
      boolean includeSubDepartments) {
    return create(actor, type, name, memberIds, departmentId, includeSubDepartments, null);
  }

  /**
   * Creates a room as above; for a group or announcement room, {@code groupIds} names custom groups
   * whose active members are added as they are now (later changes to the groups do not follow). 422
   * for a group the company does not have, or groups with a direct or department room.
   */
  public Creation create(
      MemberPrincipal actor,
      @Nullable String type,
      @Nullable String name,
      @Nullable List<String> memberIds,
      @Nullable UUID departmentId,
      boolean includeSubDepartments,
      @Nullable List<String> groupIds) {
    RoomType t =
        RoomType.fromCode(type == null ? "" : type)
            .orElseThrow(
                () ->
                    Problems.invalid(
                        "type", "invalid", "Must be direct, group, announcement or department."));
    if (t == RoomType.BOT) {
      throw Problems.invalid(
          "type", "invalid", "Must be direct, group, announcement or department.");
    }
    boolean withGroups = groupIds != null && !groupIds.isEmpty();
    if (withGroups && (t == RoomType.DIRECT || t == RoomType.DEPARTMENT)) {
      throw Problems.invalid(
          "groups", "not_allowed", "Groups can be added to group and announcement rooms only.");
    }
    if (t == RoomType.DEPARTMENT) {
      return createDepartmentRoom(actor, name, memberIds, departmentId, includeSubDepartments);
    }
    Set<UUID> others = checkedMembers(actor, memberIds);
    others.addAll(groupMembers(actor, groupIds));
    others.remove(actor.memberId());
    Instant now = clock.instant();
    if (t == RoomType.DIRECT) {
      if (others.size() != 1) {
        throw Problems.invalid(
            "members", "direct", "A direct room needs exactly one other member.");
      }
      UUID other = others.iterator().next();
      String key = directKey(actor.memberId(), other);
      var existing = store.findDirect(actor.tenantId(), key);
      if (existing.isPresent()) {
        return new Creation(view(actor, existing.get().id()), false);
      }
      try {
        UUID id =
            insert(
                actor,
                new RoomRow(
                    ids.next(), actor.tenantId(), t, "", key, actor.memberId(), now, 0, now),
                List.of(other));
        return new Creation(view(actor, id), true);
      } catch (DuplicateKeyException raced) {
        RoomRow winner = store.findDirect(actor.tenantId(), key).orElseThrow(() -> raced);
        return new Creation(view(actor, winner.id()), false);
      }
    }
    String n = checkedName(name);
    if (others.size() + 1 > MAX_MEMBERS) {
      throw Problems.invalid("members", "too_many", "At most " + MAX_MEMBERS + " members.");
    }
    UUID id =
        insert(
            actor,
            new RoomRow(ids.next(), actor.tenantId(), t, n, null, actor.memberId(), now, 0, now),
            List.copyOf(others));
    return new Creation(view(actor, id), true);
  }

  private Creation createDepartmentRoom(
      MemberPrincipal actor,
      @Nullable String name,
      @Nullable List<String> memberIds,
      @Nullable UUID departmentId,
      boolean includeSub) {
    if (!actor.hasAny(Role.SUPER_ADMIN, Role.MEMBER_ADMIN)) {
      throw Problems.forbidden("not-admin", "Only member admins create department rooms.");
    }
    if (departmentId == null) {
      throw Problems.invalid("department", "required", "Name the department.");
    }
    Department d =
        departments
            .find(actor.tenantId(), departmentId)
            .orElseThrow(
                () -> Problems.invalid("department", "unknown_department", "No such department."));
    if (memberIds != null && !memberIds.isEmpty()) {
      throw Problems.invalid(
          "members", "department", "A department room's members come from the directory.");
    }
    String n = name == null || name.isBlank() ? d.name() : checkedName(name);
    Set<UUID> others =
        new LinkedHashSet<>(
            memberships.activeMembersOfDepartment(actor.tenantId(), departmentId, includeSub));
    others.remove(actor.memberId());
    if (others.size() + 1 > MAX_MEMBERS) {
      throw Problems.invalid("department", "too_many", "At most " + MAX_MEMBERS + " members.");
    }
    Instant now = clock.instant();
    UUID id =
        insert(
            actor,
            new RoomRow(
                ids.next(),
                actor.tenantId(),
                RoomType.DEPARTMENT,
                n,
                null,
                actor.memberId(),
                now,
                0,
                now,
                departmentId,
                includeSub),
            List.copyOf(others));
    return new Creation(view(actor, id), true);
  }

  private UUID insert(MemberPrincipal actor, RoomRow room, List<UUID> others) {
    return tx.execute(
        s -> {
          store.insertRoom(room);
          String creatorRole = room.type() == RoomType.DIRECT ? "member" : "owner";
          store.addMember(
              room.tenantId(), room.id(), actor.memberId(), creatorRole, room.createdAt(), 0);
          for (UUID m : others) {
            store.addMember(room.tenantId(), room.id(), m, "member", room.createdAt(), 0);
          }
          audit.record(
              AuditRecord.of(room.tenantId(), AuditAction.ROOM_CREATED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("room", room.id())
                  .with("type", room.type().code())
                  .with("members", Integer.toString(others.size() + 1)));
          events.publishEvent(
              new RoomChanged(room.tenantId(), room.id(), "room.created", List.of()));
          return room.id();
        });
  }

  /** The caller's rooms, pinned first, then by last activity (newest first). */
  public List<Room> list(MemberPrincipal actor) {
    return list(actor, false);
  }

  /**
   * The caller's rooms that are not archived (or, with {@code archived}, only the archived ones),
   * pinned first, then by last activity (newest first).
   */
  public List<Room> list(MemberPrincipal actor, boolean archived) {
    List<MyRoomRow> rows =
        store.myRooms(actor.tenantId(), actor.memberId()).stream()
            .filter(r -> r.me().archived() == archived)
            .toList();
    Map<UUID, List<MemberRow>> members =
        store.membersOf(actor.tenantId(), rows.stream().map(r -> r.room().id()).toList());
    return rows.stream()
        .map(r -> toView(r, members.getOrDefault(r.room().id(), List.of())))
        .sorted(
            Comparator.comparing(Room::pinned)
                .reversed()
                .thenComparing(Room::lastActivityAt, Comparator.reverseOrder()))
        .toList();
  }

  /** One room; 404 unless the caller is a member. */
  public Room get(MemberPrincipal actor, UUID roomId) {
    access(actor, roomId);
    return view(actor, roomId);
  }

  /** The number of unread messages over all the caller's rooms. */
  public long unreadTotal(MemberPrincipal actor) {
    return store.unreadTotal(actor.tenantId(), actor.memberId());
  }

  /** Renames a group or announcement room; owners only. */
  public Room rename(MemberPrincipal actor, UUID roomId, @Nullable String name) {
    Access a = access(actor, roomId);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "A direct room has no name.");
    }
    requireOwner(a);
    String n = checkedName(name);
    tx.executeWithoutResult(
        s -> {
          store.rename(actor.tenantId(), roomId, n);
          events.publishEvent(new RoomChanged(actor.tenantId(), roomId, "room.changed", List.of()));
        });
    return view(actor, roomId);
  }

  /**
   * Adds members. In a group any member may add; in an announcement room only owners. New members
   * start with everything before read.
   */
  public Room addMembers(MemberPrincipal actor, UUID roomId, @Nullable List<String> memberIds) {
    return addMembers(actor, roomId, memberIds, null);
  }

  /**
   * Adds members as above, and the active members of the named custom groups as they are now. 422
   * for a group the company does not have.
   */
  public Room addMembers(
      MemberPrincipal actor,
      UUID roomId,
      @Nullable List<String> memberIds,
      @Nullable List<String> groupIds) {
    Access a = access(actor, roomId);
    followsDirectory(a);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "A direct room always has its two members.");
    }
    if (a.room().type() == RoomType.BOT) {
      throw Problems.conflict("bot-room", "A bot's room holds the bot and one member.");
    }
    if (a.room().type() == RoomType.ANNOUNCEMENT) {
      requireOwner(a);
    }
    Set<UUID> add = checkedMembers(actor, memberIds);
    add.addAll(groupMembers(actor, groupIds));
    if (add.isEmpty()) {
      throw Problems.invalid("members", "required", "Name at least one member.");
    }
    tx.executeWithoutResult(
        s -> {
          store.lockRoom(actor.tenantId(), roomId);
          RoomRow room = store.findRoom(actor.tenantId(), roomId).orElseThrow();
          List<UUID> current = store.memberIds(actor.tenantId(), roomId);
          List<UUID> added = new ArrayList<>();
          for (UUID m : add) {
            if (!current.contains(m)) {
              added.add(m);
            }
          }
          if (current.size() + added.size() > MAX_MEMBERS) {
            throw Problems.invalid("members", "too_many", "At most " + MAX_MEMBERS + " members.");
          }
          Instant now = clock.instant();
          for (UUID m : added) {
            store.addMember(actor.tenantId(), roomId, m, "member", now, room.lastSeq());
          }
          if (!added.isEmpty()) {
            audit.record(
                AuditRecord.of(actor.tenantId(), AuditAction.ROOM_MEMBERS_ADDED)
                    .actor(actor.memberId(), actor.loginId())
                    .target("room", roomId)
                    .with("members", joined(added)));
            events.publishEvent(
                new RoomChanged(actor.tenantId(), roomId, "room.members", List.of()));
          }
        });
    return view(actor, roomId);
  }

  /**
   * Removes a member: an owner removes anyone, a member removes themself (leaves). When the last
   * owner leaves, the longest-standing member becomes owner.
   */
  public void removeMember(MemberPrincipal actor, UUID roomId, UUID memberId) {
    Access a = access(actor, roomId);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "A direct room always has its two members.");
    }
    followsDirectory(a);
    boolean self = memberId.equals(actor.memberId());
    if (!self) {
      requireOwner(a);
    }
    tx.executeWithoutResult(
        s -> {
          store.lockRoom(actor.tenantId(), roomId);
          if (!store.removeMember(actor.tenantId(), roomId, memberId)) {
            throw Problems.notFound();
          }
          List<MemberRow> rest = store.members(actor.tenantId(), roomId);
          if (!rest.isEmpty() && rest.stream().noneMatch(MemberRow::owner)) {
            store.setRole(actor.tenantId(), roomId, rest.get(0).memberId(), "owner");
          }
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.ROOM_MEMBER_REMOVED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("room", roomId)
                  .with("member", memberId.toString())
                  .with("reason", self ? "left" : "removed"));
          events.publishEvent(
              new RoomChanged(actor.tenantId(), roomId, "room.members", List.of(memberId)));
        });
  }

  /**
   * Makes a current member of a group, announcement or department room an owner ({@code owner}
   * true) or takes ownership back (false); owners only (403 {@code not-owner}). 404 when the member
   * is not in the room, 409 {@code direct-room} / {@code bot-room} for rooms without owners and 409
   * {@code last-owner} for taking it from the only owner. Audited when it changes something.
   */
  public Room setOwner(MemberPrincipal actor, UUID roomId, UUID memberId, boolean owner) {
    Access a = access(actor, roomId);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "A direct room has no owners.");
    }
    if (a.room().type() == RoomType.BOT) {
      throw Problems.conflict("bot-room", "A bot's room has no owners.");
    }
    requireOwner(a);
    tx.executeWithoutResult(
        s -> {
          store.lockRoom(actor.tenantId(), roomId);
          List<MemberRow> members = store.members(actor.tenantId(), roomId);
          MemberRow target =
              members.stream()
                  .filter(m -> m.memberId().equals(memberId))
                  .findFirst()
                  .orElseThrow(Problems::notFound);
          // Re-checked under the room's lock: the caller may have lost ownership meanwhile.
          if (members.stream().noneMatch(m -> m.memberId().equals(actor.memberId()) && m.owner())) {
            throw Problems.forbidden("not-owner", "Only the room's owners can do this.");
          }
          if (target.owner() == owner) {
            return;
          }
          if (!owner && members.stream().filter(MemberRow::owner).count() <= 1) {
            throw Problems.conflict(
                "last-owner", "A room keeps at least one owner; make someone else owner first.");
          }
          store.setRole(actor.tenantId(), roomId, memberId, owner ? "owner" : "member");
          audit.record(
              AuditRecord.of(
                      actor.tenantId(),
                      owner ? AuditAction.ROOM_OWNER_GRANTED : AuditAction.ROOM_OWNER_REVOKED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("room", roomId)
                  .with("member", memberId.toString()));
          events.publishEvent(new RoomChanged(actor.tenantId(), roomId, "room.changed", List.of()));
        });
    return view(actor, roomId);
  }

  /**
   * Sets the caller's own mute, pin or archive flag ({@code muted}, {@code pinned} or {@code
   * archived}). An archived room leaves the caller's list until its next message.
   */
  public Room setFlag(MemberPrincipal actor, UUID roomId, String flag, boolean value) {
    access(actor, roomId);
    store.setFlag(actor.tenantId(), roomId, actor.memberId(), flag, value);
    return view(actor, roomId);
  }

  /**
   * Moves the caller's read pointer forward to {@code upTo} (capped at the newest message); never
   * backwards. Other members hear {@code read.moved}.
   */
  public Room markRead(MemberPrincipal actor, UUID roomId, @Nullable Long upTo) {
    Access a = access(actor, roomId);
    if (upTo == null || upTo < 0) {
      throw Problems.invalid("upTo", "invalid", "A message sequence number (0 or more).");
    }
    long target = Math.min(upTo, a.room().lastSeq());
    // One statement, committed on its own (no transaction round trips on this frequent path);
    // the others hear of it once it is committed.
    if (store.moveRead(actor.tenantId(), roomId, actor.memberId(), target)) {
      events.publishEvent(new ReadMoved(actor.tenantId(), roomId, actor.memberId(), target));
    }
    return view(actor, roomId);
  }

  // ------------------------------------------------------------------------------------------

  /** A room and the caller's membership in it. */
  record Access(RoomRow room, MemberRow me) {}

  /** The room and the caller's membership; 404 when either is missing. */
  Access access(MemberPrincipal actor, UUID roomId) {
    return store
        .roomAndMember(actor.tenantId(), roomId, actor.memberId())
        .map(a -> new Access(a.room(), a.me()))
        .orElseThrow(Problems::notFound);
  }

  private static void followsDirectory(Access a) {
    if (a.room().type() == RoomType.DEPARTMENT) {
      throw Problems.conflict(
          "department-room", "A department room's members follow the directory.");
    }
  }

  private static void requireOwner(Access a) {
    if (!a.me().owner()) {
      throw Problems.forbidden("not-owner", "Only the room's owners can do this.");
    }
  }

  private Room view(MemberPrincipal actor, UUID roomId) {
    return store
        .myRoom(actor.tenantId(), actor.memberId(), roomId)
        .map(r -> toView(r, store.members(actor.tenantId(), roomId)))
        .orElseThrow(Problems::notFound);
  }

  private static Room toView(MyRoomRow r, List<MemberRow> members) {
    RoomRow room = r.room();
    Room.Preview preview = null;
    if (r.last() != null) {
      var m = r.last();
      boolean recalled = m.recalledAt() != null;
      String text = recalled || m.body() == null ? null : shorten(m.body());
      preview =
          new Room.Preview(m.id(), m.seq(), m.senderId(), text, recalled, m.createdAt(), m.kind());
    }
    return new Room(
        room.id(),
        room.type(),
        room.name(),
        members.stream().map(MemberRow::memberId).toList(),
        members.stream().filter(MemberRow::owner).map(MemberRow::memberId).toList(),
        room.lastSeq(),
        r.me().lastReadSeq(),
        Math.max(0, room.lastSeq() - r.me().lastReadSeq()),
        r.me().pinned(),
        r.me().muted(),
        r.me().archived(),
        preview,
        room.lastActivityAt(),
        room.createdAt(),
        room.departmentId(),
        room.includeSub(),
        botOf(room));
  }

  /** The bot of a bot room, from its key {@code bot:<bot>:<member>}. */
  private static @Nullable UUID botOf(RoomRow room) {
    String key = room.directKey();
    if (room.type() != RoomType.BOT || key == null || !key.startsWith("bot:")) {
      return null;
    }
    return Ids.parseOrNull(key.substring(4, key.indexOf(':', 4) < 0 ? 4 : key.indexOf(':', 4)));
  }

  private static String shorten(String text) {
    int max = 100;
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max)) + "…";
  }

  private Set<UUID> checkedMembers(MemberPrincipal actor, @Nullable List<String> given) {
    Set<UUID> result = new LinkedHashSet<>();
    if (given == null) {
      return result;
    }
    if (given.size() > MAX_MEMBERS) {
      throw Problems.invalid("members", "too_many", "At most " + MAX_MEMBERS + " members.");
    }
    for (String s : given) {
      UUID id = s == null ? null : Ids.parseOrNull(s);
      if (id == null) {
        throw Problems.invalid("members", "unknown_member", "Not a member of your company.");
      }
      result.add(id);
    }
    Set<UUID> active = activeMembers.activeAmong(actor.tenantId(), result);
    if (!active.containsAll(result)) {
      throw Problems.invalid(
          "members", "unknown_member", "Every member must be an active member of your company.");
    }
    return result;
  }

  /** The active members of the named groups of the caller's company; 422 for any other ID. */
  private Set<UUID> groupMembers(MemberPrincipal actor, @Nullable List<String> given) {
    Set<UUID> result = new LinkedHashSet<>();
    if (given == null) {
      return result;
    }
    if (given.size() > MAX_GROUPS) {
      throw Problems.invalid("groups", "too_many", "At most " + MAX_GROUPS + " groups.");
    }
    for (String s : given) {
      UUID id = s == null ? null : Ids.parseOrNull(s);
      Set<UUID> members =
          id == null ? null : groups.activeMembers(actor.tenantId(), id).orElse(null);
      if (members == null) {
        throw Problems.invalid("groups", "unknown_group", "No such group in your company.");
      }
      result.addAll(members);
    }
    return result;
  }

  private static String checkedName(@Nullable String name) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty()) {
      throw Problems.invalid("name", "required", "Required.");
    }
    if (n.codePointCount(0, n.length()) > 200) {
      throw Problems.invalid("name", "too_long", "At most 200 characters.");
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw Problems.invalid("name", "control", "Control characters are not allowed.");
    }
    return n;
  }

  static String directKey(UUID a, UUID b) {
    return a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a;
  }

  private static String joined(List<UUID> ids) {
    return String.join(",", ids.stream().map(UUID::toString).toList());
  }
}
