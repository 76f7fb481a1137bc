package dev.musubi.messaging.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.DepartmentMembershipChanged;
import dev.musubi.identity.MemberSuspended;
import dev.musubi.identity.Memberships;
import dev.musubi.messaging.RoomChanged;
import dev.musubi.messaging.internal.TalkStore.MemberRow;
import dev.musubi.messaging.internal.TalkStore.RoomRow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps department rooms in step with the directory: after identity commits a change of who is in
 * which department (or a suspension or deletion), every department room of the company gets the
 * department's active members; owners stay unless they are no longer active.
 */
@Component
public class DepartmentRoomSync {

  private static final Logger log = LoggerFactory.getLogger(DepartmentRoomSync.class);

  private final TalkStore store;
  private final Memberships memberships;
  private final AuditTrail audit;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;

  DepartmentRoomSync(
      TalkStore store,
      Memberships memberships,
      AuditTrail audit,
      Clock clock,
      ApplicationEventPublisher events,
      PlatformTransactionManager transactions) {
    this.store = store;
    this.memberships = memberships;
    this.audit = audit;
    this.clock = clock;
    this.events = events;
    this.tx = new TransactionTemplate(transactions);
    this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
  void on(DepartmentMembershipChanged e) {
    syncAll(e.tenantId());
  }

  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
  void on(MemberSuspended e) {
    syncAll(e.tenantId());
  }

  /** Brings every department room of the company in step; returns how many memberships changed. */
  public int syncAll(UUID tenantId) {
    int changed = 0;
    for (RoomRow room : store.departmentRooms(tenantId)) {
      try {
        changed += sync(tenantId, room.id());
      } catch (RuntimeException ex) {
        // The next directory change (or a later sync) tries again; other rooms go on.
        log.warn("Department room {} could not be brought in step", room.id(), ex);
      }
    }
    return changed;
  }

  /** Brings one department room in step with its department; returns how many rows changed. */
  public int sync(UUID tenantId, UUID roomId) {
    Integer n =
        tx.execute(
            s -> {
              store.lockRoom(tenantId, roomId);
              RoomRow room = store.findRoom(tenantId, roomId).orElse(null);
              if (room == null || room.departmentId() == null) {
                return 0;
              }
              Set<UUID> wanted =
                  memberships.activeMembersOfDepartment(
                      tenantId, room.departmentId(), room.includeSub());
              List<MemberRow> current = store.members(tenantId, roomId);
              Set<UUID> owners = new HashSet<>();
              Set<UUID> present = new HashSet<>();
              for (MemberRow m : current) {
                present.add(m.memberId());
                if (m.owner()) {
                  owners.add(m.memberId());
                }
              }
              Set<UUID> activeOwners = memberships.activeAmong(tenantId, owners);
              List<UUID> removed = new ArrayList<>();
              for (MemberRow m : current) {
                boolean keep =
                    m.owner() ? activeOwners.contains(m.memberId()) : wanted.contains(m.memberId());
                if (!keep && store.removeMember(tenantId, roomId, m.memberId())) {
                  removed.add(m.memberId());
                }
              }
              List<UUID> added = new ArrayList<>();
              for (UUID m : wanted) {
                if (!present.contains(m)
                    && store.addMember(
                        tenantId, roomId, m, "member", clock.instant(), room.lastSeq())) {
                  added.add(m);
                }
              }
              if (!added.isEmpty()) {
                audit.record(
                    AuditRecord.of(tenantId, AuditAction.ROOM_MEMBERS_ADDED)
                        .actor(null, "system")
                        .target("room", roomId)
                        .with("members", join(added))
                        .with("reason", "directory"));
              }
              for (UUID m : removed) {
                audit.record(
                    AuditRecord.of(tenantId, AuditAction.ROOM_MEMBER_REMOVED)
                        .actor(null, "system")
                        .target("room", roomId)
                        .with("member", m.toString())
                        .with("reason", "directory"));
              }
              if (!added.isEmpty() || !removed.isEmpty()) {
                events.publishEvent(new RoomChanged(tenantId, roomId, "room.members", removed));
              }
              return added.size() + removed.size();
            });
    return n == null ? 0 : n;
  }

  private static String join(List<UUID> ids) {
    return String.join(",", ids.stream().map(UUID::toString).toList());
  }
}
