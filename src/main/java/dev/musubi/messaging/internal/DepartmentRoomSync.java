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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps department rooms in step with the directory: after identity commits a change of who is in
 * which department (or a suspension or deletion), every department room of the company gets the
 * department's active members; owners stay unless they are no longer active.
 *
 * <p>The listeners run on a thread of their own after the commit, from the event publication
 * registry: the committing thread gives its connection back at once (a synchronous after-commit
 * listener held it while this took a second one), and a change whose sync failed or was cut short
 * by a crash is run again ({@code EventPublicationRetry}). A sync brings rooms to the directory's
 * state, so running one twice changes nothing. Changes of one company that arrive while a sync of
 * it waits to start ride on that sync, so a burst of directory changes holds one connection per
 * company rather than one per change.
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

  /** Companies with a sync queued that has not started reading the directory. */
  private final Set<UUID> queued = ConcurrentHashMap.newKeySet();

  /** One sync of a company at a time. */
  private final Map<UUID, ReentrantLock> running = new ConcurrentHashMap<>();

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

  @Async
  @TransactionalEventListener(fallbackExecution = true)
  void on(DepartmentMembershipChanged e) {
    syncAfterChange(e.tenantId());
  }

  @Async
  @TransactionalEventListener(fallbackExecution = true)
  void on(MemberSuspended e) {
    syncAfterChange(e.tenantId());
  }

  /**
   * Syncs the company's rooms after a committed change, unless a sync of it that has not started
   * yet is queued (that one reads the directory after this change). Throws when a room could not be
   * brought in step, so that the registry keeps the publication and it is tried again.
   */
  void syncAfterChange(UUID tenantId) {
    if (!queued.add(tenantId)) {
      return;
    }
    ReentrantLock lock = running.computeIfAbsent(tenantId, t -> new ReentrantLock());
    lock.lock();
    try {
      queued.remove(tenantId);
      int failed = 0;
      for (RoomRow room : store.departmentRooms(tenantId)) {
        try {
          sync(tenantId, room.id());
        } catch (RuntimeException ex) {
          failed++;
          log.warn("Department room {} could not be brought in step", room.id(), ex);
        }
      }
      if (failed > 0) {
        throw new IllegalStateException(
            failed + " department room(s) of company " + tenantId + " are not in step yet");
      }
    } finally {
      lock.unlock();
    }
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
